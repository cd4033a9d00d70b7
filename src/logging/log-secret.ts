import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readFileIfExists, writeFileAtomic } from '../store/lowdb/atomic-file.js';

/** The secret behind log pseudonyms: created once per DATA_DIR, so pseudonyms are stable across restarts. */
export async function loadLogSecret(dataDir: string): Promise<Uint8Array> {
  const path = join(dataDir, 'log-secret');
  const existing = await readFileIfExists(path);
  if (existing && existing.trim().length >= 32) return Buffer.from(existing.trim(), 'hex');
  const secret = randomBytes(32);
  await writeFileAtomic(path, secret.toString('hex'));
  return secret;
}

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Files older than this are deleted whenever a new one is written: a channel has sent them long since. */
const KEEP_MS = 24 * 3_600_000;

/**
 * Writes a chart or CSV into the exports folder (owner-only: it holds names of mentors) for a channel to send,
 * after deleting the files older than a day. The name carries the week and a random part, never a person.
 */
export async function writeExport(
  dir: string,
  name: string,
  contents: Uint8Array | string,
  now: Date,
): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // The folder may have been made by hand with looser rights.
  await chmod(dir, 0o700);
  await removeOld(dir, now);
  const dot = name.lastIndexOf('.');
  const path = join(dir, `${name.slice(0, dot)}-${randomBytes(4).toString('hex')}${name.slice(dot)}`);
  await writeFile(path, contents, { mode: 0o600 });
  return path;
}

async function removeOld(dir: string, now: Date): Promise<void> {
  for (const file of await readdir(dir)) {
    const path = join(dir, file);
    try {
      const info = await stat(path);
      if (info.isFile() && now.getTime() - info.mtimeMs > KEEP_MS) await unlink(path);
    } catch {
      // Another process removed it first.
    }
  }
}

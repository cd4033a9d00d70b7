import { randomBytes } from 'node:crypto';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from '../../store/lowdb/atomic-file.js';
import type { Preview, Proposal } from './types.js';

/** Drafts, discarded and decided proposals are kept this long (pending ones wait for a clinician however long). */
export const PROPOSAL_DAYS = 14;

const proposalSchema = z.object({
  id: z.string(),
  by: z.string(),
  at: z.string(),
  note: z.string(),
  files: z.array(z.object({ path: z.string(), text: z.string() })),
  baseVersion: z.number().int(),
  status: z.enum(['draft', 'pending', 'published', 'rejected', 'discarded']),
  // Written by this module from a checked preview: its shape is the publisher's, not read from outside.
  preview: z.custom<Preview>((v) => typeof v === 'object' && v !== null && 'items' in v),
  needsApproval: z.boolean(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  reason: z.string().optional(),
  publishedVersion: z.number().int().optional(),
});

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 8 base32 characters (40 random bits): short enough for Telegram's 64-byte callback data. */
export function proposalId(): string {
  const bytes = randomBytes(5);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

const ID = /^[a-z2-7]{8}$/;

/**
 * Proposals as JSON files in DATA_DIR/content/proposals/<id>.json (atomic, owner-only), so a draft or a proposal
 * waiting for a clinician survives a restart. Only the bot's process writes them.
 */
export class ProposalStore {
  private readonly dir: string;

  constructor(
    contentRoot: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = join(contentRoot, 'proposals');
  }

  async get(id: string): Promise<Proposal | undefined> {
    if (!ID.test(id)) return undefined;
    try {
      return proposalSchema.parse(JSON.parse(await readFile(join(this.dir, `${id}.json`), 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async put(proposal: Proposal): Promise<void> {
    await ensureDir(this.dir);
    await writeFileAtomic(join(this.dir, `${proposal.id}.json`), `${JSON.stringify(proposal)}\n`);
  }

  /** Every proposal, oldest first. */
  async all(): Promise<Proposal[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const found: Proposal[] = [];
    for (const name of names) {
      const id = name.replace(/\.json$/, '');
      if (name === id || !ID.test(id)) continue;
      const proposal = await this.get(id).catch(() => undefined);
      if (proposal) found.push(proposal);
    }
    return found.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  /** Removes drafts, discarded and decided proposals older than PROPOSAL_DAYS; returns the ids removed. */
  async prune(): Promise<string[]> {
    const cutoff = this.now().getTime() - PROPOSAL_DAYS * 86_400_000;
    const removed: string[] = [];
    for (const p of await this.all()) {
      if (p.status === 'pending') continue;
      if (Date.parse(p.decidedAt ?? p.at) >= cutoff) continue;
      await unlink(join(this.dir, `${p.id}.json`)).catch(() => undefined);
      removed.push(p.id);
    }
    return removed;
  }
}

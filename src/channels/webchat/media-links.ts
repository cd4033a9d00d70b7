import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { OutMessage } from '../../core/messages.js';

/** A message as the page receives it: an image or a document as a link, never the server's file path. */
export type WebMessage =
  | Exclude<OutMessage, { type: 'image' | 'document' }>
  | { type: 'image' | 'document'; url: string; name: string; caption?: string };

/** How long a link to a chart or a CSV works: long enough to open it, short enough not to linger. */
const LINK_TTL_MS = 60 * 60_000;
/** Links kept at most (oldest dropped first): a bound on memory whatever the traffic. */
const MAX_LINKS = 2000;

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Files the bot sends on the web chat (the summary's chart and CSV) are served by unguessable, short-lived links
 * (128 random bits), one per file sent to one chat: an `<img>` cannot carry the chat's token in a header, and a
 * server path must never reach the browser.
 */
export class MediaLinks {
  private readonly links = new Map<string, { path: string; name: string; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  toWeb(message: OutMessage): WebMessage {
    if (message.type !== 'image' && message.type !== 'document') return message;
    this.prune();
    const id = randomBytes(16).toString('base64url');
    const name = basename(message.path);
    this.links.set(id, { path: message.path, name, expires: this.now() + LINK_TTL_MS });
    return {
      type: message.type,
      url: `/webchat/api/files/${id}`,
      name,
      ...(message.caption ? { caption: message.caption } : {}),
    };
  }

  /** The file behind a link, or null when the link is unknown, expired, or its file is gone. */
  async open(id: string): Promise<{ bytes: Uint8Array; name: string; type: string } | null> {
    const link = this.links.get(id);
    if (!link || link.expires <= this.now()) return null;
    const bytes = await readFile(link.path).catch(() => null);
    if (!bytes) return null;
    return {
      bytes,
      name: link.name,
      type: TYPES[extname(link.name).toLowerCase()] ?? 'application/octet-stream',
    };
  }

  private prune(): void {
    const now = this.now();
    for (const [id, link] of this.links) if (link.expires <= now) this.links.delete(id);
    while (this.links.size >= MAX_LINKS) {
      const oldest = this.links.keys().next().value;
      if (oldest === undefined) break;
      this.links.delete(oldest);
    }
  }
}

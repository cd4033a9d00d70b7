import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { App } from '../../app.js';
import { assertNever } from '../../core/assert-never.js';
import type { InboundPayload, OutMessage } from '../../core/messages.js';
import type { ChannelSender } from '../delivery.js';
import { DocumentTooLargeError, documentLimit } from '../inbound-document.js';
import { CLI_LIMITS } from '../text/limits.js';
import { type ChoicesMessage, renderText } from '../text/render.js';

const inputLine = z.union([
  z.object({ from: z.string().min(1).max(100), text: z.string() }),
  z.object({ from: z.string().min(1).max(100), choice: z.string() }),
  z.object({ from: z.string().min(1).max(100), document: z.string().min(1) }),
]);

const MIME: Record<string, string> = {
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.zip': 'application/zip',
};

type Writer = (line: string) => void;

/**
 * The terminal as a channel (shared docs/interfaces.md, `chat [--json]`). Each input is handled to the end before
 * the next is read, so `{"type": "done", "in": N}` tells a script when to send the next line.
 */
export class CliChat implements ChannelSender {
  readonly name = 'cli' as const;
  /**
   * Line numbers restart with every run, and the engine drops a message id it has seen: without a prefix of
   * its own, a second run for the same person would lose its first lines as "already handled".
   */
  private readonly runId = randomBytes(6).toString('base64url');

  constructor(
    private readonly app: App,
    private readonly json: boolean,
    private readonly write: Writer,
  ) {}

  async send(ref: string, messages: OutMessage[]): Promise<void> {
    for (const message of messages) this.print(ref, message, true);
  }

  async run(input: NodeJS.ReadableStream, defaultFrom: string): Promise<void> {
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let n = 0;
    if (!this.json)
      this.write(`You are "${defaultFrom}". Type a message (or a choice's number); Ctrl-D ends.`);
    for await (const line of lines) {
      n++;
      if (this.json) {
        if (line.trim() === '') continue;
        await this.handleJsonLine(line, n);
        this.write(JSON.stringify({ type: 'done', in: n }));
      } else {
        await this.deliver(defaultFrom, { kind: 'text', text: line });
      }
    }
  }

  private async handleJsonLine(line: string, n: number): Promise<void> {
    let parsed: z.infer<typeof inputLine>;
    try {
      const result = inputLine.safeParse(JSON.parse(line));
      if (!result.success)
        throw new Error('expected {"from", "text"}, {"from", "choice"} or {"from", "document"}');
      parsed = result.data;
    } catch (error) {
      this.write(JSON.stringify({ type: 'error', in: n, message: (error as Error).message }));
      return;
    }
    if ('text' in parsed)
      return this.deliver(parsed.from, { kind: 'text', text: parsed.text }, this.messageId(n));
    if ('choice' in parsed)
      return this.deliver(parsed.from, { kind: 'choice', id: parsed.choice }, this.messageId(n));
    const path = parsed.document;
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) {
      this.write(JSON.stringify({ type: 'error', in: n, message: `no such file: ${path}` }));
      return;
    }
    const name = basename(path);
    const limit = documentLimit(name);
    return this.deliver(
      parsed.from,
      {
        kind: 'document',
        name,
        mime: MIME[extname(path).toLowerCase()] ?? 'application/octet-stream',
        size: info.size,
        // As the other channels: nothing above the upload limit is read into memory.
        read: async () => {
          if (info.size > limit) throw new DocumentTooLargeError(info.size, limit);
          const bytes = new Uint8Array(await readFile(path));
          if (bytes.byteLength > limit) throw new DocumentTooLargeError(bytes.byteLength, limit);
          return bytes;
        },
      },
      this.messageId(n),
    );
  }

  private messageId(n: number): string {
    return `cli-${this.runId}-${n}`;
  }

  private async deliver(from: string, payload: InboundPayload, messageId?: string): Promise<void> {
    const replies = await this.app.receive({ channel: 'cli', ref: from, messageId, at: new Date(), payload });
    for (const message of replies) this.print(from, message, false);
  }

  private print(to: string, message: OutMessage, pushed: boolean): void {
    if (this.json) {
      // The format in shared docs/interfaces.md: the hint is for people reading a menu, not for scripts.
      this.write(JSON.stringify({ to, ...(message.type === 'choices' ? withoutHint(message) : message) }));
      return;
    }
    const prefix = pushed ? `[to ${to}] ` : '';
    for (const part of renderText([message], CLI_LIMITS)) {
      switch (part.kind) {
        case 'text':
          this.write(`${prefix}${part.text}`);
          break;
        case 'media':
          this.write(`${prefix}[${part.type}] ${part.path}${part.caption ? ` - ${part.caption}` : ''}`);
          break;
        default:
          assertNever(part);
      }
    }
    this.write('');
  }
}

function withoutHint({ hint: _hint, ...rest }: ChoicesMessage): Omit<ChoicesMessage, 'hint'> {
  return rest;
}

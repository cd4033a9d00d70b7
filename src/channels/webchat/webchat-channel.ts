import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { demoRef, ensureDemoUsers } from '../../accounts/demo.js';
import { LANGUAGES, ROLES } from '../../accounts/types.js';
import type { App } from '../../app.js';
import { UPLOAD_LIMITS } from '../../content/versions/limits.js';
import type { OutMessage } from '../../core/messages.js';
import type { ChannelSender } from '../delivery.js';
import { DocumentTooLargeError, documentLimit } from '../inbound-document.js';
import { MediaLinks, type WebMessage } from './media-links.js';

const MAX_BODY_BYTES = 16 * 1024;
/**
 * An upload's body: a little above the largest upload (a zip), so a file just past a limit still reaches the bot,
 * which says politely what the limit is; anything larger is cut off here, unread.
 */
export const MAX_UPLOAD_BYTES = UPLOAD_LIMITS.zipBytes + 64 * 1024;
/** The strings the page shows (keys under `webchat.` in translation.json). */
const PAGE_STRINGS = [
  'title',
  'placeholder',
  'send',
  'chooseIdentity',
  'visitor',
  'demoNote',
  'done',
  'switch',
  'attach',
  'uploading',
] as const;
const OUTBOX_LIMIT = 100;

const sessionBody = z.object({ identity: z.enum([...ROLES, 'visitor']).optional() });
const messageBody = z
  .object({
    token: z.string().min(8).max(200),
    id: z.string().max(100).optional(),
    text: z.string().max(10_000).optional(),
    choice: z.string().max(200).optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.choice === undefined), 'send either text or choice');
/** An upload's headers: the token, the file name (URI-encoded: header values are Latin-1) and an optional id. */
const uploadHeaders = z.object({
  token: z.string().min(8).max(200),
  name: z.string().min(1).max(200),
  id: z.string().max(100).optional(),
  mime: z.string().max(200).optional(),
  /** The page sends a file above MAX_UPLOAD_BYTES with no body, saying only its size, so the bot can refuse it. */
  size: z.coerce.number().int().positive().optional(),
});

interface Outbox {
  seq: number;
  items: { seq: number; message: WebMessage }[];
}

/**
 * The web chat: a page at `/` and a small JSON API. A browser holds a random token; the chat's address is a hash
 * of it, so the stored address never reveals the token. In demo mode (loopback only, never in production) fixed
 * tokens stand for the demo identities of every role.
 */
export class WebchatChannel implements ChannelSender {
  readonly name = 'webchat' as const;
  private readonly outboxes = new Map<string, Outbox>();
  private readonly media = new MediaLinks();

  constructor(
    private readonly app: App,
    private readonly mode: 'demo' | 'on',
  ) {}

  async send(ref: string, messages: OutMessage[]): Promise<void> {
    const box = this.outboxes.get(ref) ?? { seq: 0, items: [] };
    for (const message of messages) box.items.push({ seq: ++box.seq, message: this.media.toWeb(message) });
    box.items.splice(0, Math.max(0, box.items.length - OUTBOX_LIMIT));
    this.outboxes.set(ref, box);
  }

  refFor(token: string): string {
    if (this.mode === 'demo' && token.startsWith('demo-')) return token;
    return createHash('sha256').update(token).digest('base64url').slice(0, 24);
  }

  mount(http: Hono, page: string): void {
    const limit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error: 'too_large' }, 413) });
    http.get('/', (c) => c.html(page));
    http.get('/favicon.ico', (c) => c.body(null, 204));
    http.get('/webchat/api/config', (c) => {
      const lang = (c.req.query('lang') ?? 'en').slice(0, 2);
      const t = this.app.services.i18n.t(LANGUAGES.find((l) => l === lang) ?? 'en');
      return c.json({
        mode: this.mode,
        identities: this.mode === 'demo' ? [...ROLES, 'visitor'] : [],
        maxUpload: MAX_UPLOAD_BYTES,
        roles: Object.fromEntries(ROLES.map((r) => [r, t(`roles.${r}`)])),
        // `{{name}}` is left for the page to fill in (the file being sent).
        strings: Object.fromEntries(PAGE_STRINGS.map((k) => [k, t(`webchat.${k}`, { name: '{{name}}' })])),
      });
    });
    http.post('/webchat/api/session', limit, async (c) => {
      const parsed = sessionBody.safeParse(await c.req.json().catch(() => ({})));
      const identity = parsed.success ? parsed.data.identity : undefined;
      if (this.mode === 'demo' && identity && identity !== 'visitor') {
        await ensureDemoUsers(this.app.services);
        return c.json({ token: demoRef(identity) });
      }
      const token = Buffer.from(this.app.services.ids.bytes(18)).toString('base64url');
      return c.json({ token });
    });
    http.post('/webchat/api/messages', limit, async (c) => {
      const parsed = messageBody.safeParse(await c.req.json().catch(() => null));
      if (!parsed.success) return c.json({ error: 'bad_request' }, 400);
      const { token, id, text, choice } = parsed.data;
      const ref = this.refFor(token);
      // A browser may keep a demo token across a wiped DATA_DIR: the demo identities are made again on use.
      if (this.mode === 'demo' && token.startsWith('demo-')) await ensureDemoUsers(this.app.services);
      const replies = await this.app.receive({
        channel: 'webchat',
        ref,
        messageId: id,
        at: new Date(),
        payload: choice !== undefined ? { kind: 'choice', id: choice } : { kind: 'text', text: text ?? '' },
      });
      return c.json({ messages: replies.map((m) => this.media.toWeb(m)) });
    });
    // A content file as the raw body; the replies come back as for a message. Everyone may send one: the bot
    // decides what to do with it (only trainers publish).
    http.post(
      '/webchat/api/upload',
      bodyLimit({ maxSize: MAX_UPLOAD_BYTES, onError: (c) => c.json({ error: 'too_large' }, 413) }),
      async (c) => {
        const parsed = uploadHeaders.safeParse({
          token: c.req.header('x-webchat-token'),
          name: fileName(c.req.header('x-file-name')),
          id: c.req.header('x-message-id'),
          mime: c.req.header('content-type'),
          size: c.req.header('x-file-size'),
        });
        if (!parsed.success) return c.json({ error: 'bad_request' }, 400);
        const { token, name, id, mime, size } = parsed.data;
        const bytes = new Uint8Array(await c.req.arrayBuffer());
        // Only a size above what the body may hold is believed: the bytes are never more than they are.
        const unsent = bytes.byteLength === 0 && size !== undefined && size > MAX_UPLOAD_BYTES;
        if (this.mode === 'demo' && token.startsWith('demo-')) await ensureDemoUsers(this.app.services);
        const replies = await this.app.receive({
          channel: 'webchat',
          ref: this.refFor(token),
          messageId: id,
          at: new Date(),
          payload: {
            kind: 'document',
            name,
            mime: mime ?? 'application/octet-stream',
            size: unsent ? size : bytes.byteLength,
            read: async () => {
              if (unsent) throw new DocumentTooLargeError(size, documentLimit(name));
              return bytes;
            },
          },
        });
        return c.json({ messages: replies.map((m) => this.media.toWeb(m)) });
      },
    );
    // A chart or CSV the bot sent: by its short-lived link only (see MediaLinks).
    http.get('/webchat/api/files/:id', async (c) => {
      const file = await this.media.open(c.req.param('id'));
      if (!file) return c.json({ error: 'not_found' }, 404);
      return c.body(Buffer.from(file.bytes), 200, {
        'content-type': file.type,
        'content-disposition': `${file.type.startsWith('image/') ? 'inline' : 'attachment'}; filename="${file.name.replace(/[^\w.-]/g, '_')}"`,
        'cache-control': 'private, no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      });
    });
    http.get('/webchat/api/events', (c) => {
      const token = c.req.query('token') ?? '';
      const after = Number(c.req.query('after') ?? 0) || 0;
      const box = this.outboxes.get(this.refFor(token));
      return c.json({ events: box ? box.items.filter((i) => i.seq > after) : [] });
    });
  }
}

/** The file name from its URI-encoded header, without any folder a browser might add; undefined if unreadable. */
function fileName(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  try {
    return decodeURIComponent(header).split(/[\\/]/).pop()?.trim();
  } catch {
    return undefined;
  }
}

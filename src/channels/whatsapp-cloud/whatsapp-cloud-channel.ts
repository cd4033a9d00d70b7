import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { App } from '../../app.js';
import { KeyedQueue } from '../../core/keyed-queue.js';
import type { InboundPayload, OutMessage } from '../../core/messages.js';
import type { AuditRecord } from '../../store/port.js';
import type { ChannelSender } from '../delivery.js';
import { DeliveryError, failureFields, isDeliveryError } from '../delivery-error.js';
import { documentLimit, fetchFailure } from '../inbound-document.js';
import { GraphClient, type RetryOptions } from './graph-client.js';
import { parseWebhook, type WaMessage, type WaStatus } from './payload.js';
import { mediaMessage, renderWhatsapp, templateText, textOf } from './render.js';

export const WHATSAPP_WEBHOOK_PATH = '/whatsapp/webhook';

/** Meta lets a business write freely only within 24 hours of the person's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

const MAX_WEBHOOK_BYTES = 1024 * 1024;
/** Message ids seen lately (Meta delivers at least once) and statuses kept: bounded, oldest dropped first. */
const SEEN_IDS = 5000;
const STATUSES_KEPT = 5000;
const CHATS_KEPT = 50_000;
const STATUS_RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

export interface WhatsappCloudOptions {
  accessToken: string;
  phoneNumberId: string;
  /** The app secret: Meta signs every webhook body with it (X-Hub-Signature-256). */
  appSecret: string;
  /** What Meta's verification handshake must present (hub.verify_token). */
  verifyToken: string;
  apiRoot: string;
  /**
   * An approved template for messages the bot starts outside the 24-hour window (reminders, alerts). It must
   * have exactly one body variable ({{1}}): the message text goes there.
   */
  reminderTemplate?: string;
  /** The template's language code. Default 'en'. */
  templateLanguage?: string;
  /** Graph API retries (tests make the delays small). */
  retry?: RetryOptions;
  /** The largest document someone may send that is read. Default: the upload limit of its kind (inbound-document.ts). */
  maxDocumentBytes?: number;
}

/** The last known delivery status of a message the bot sent. */
export interface DeliveryStatus {
  status: string;
  at: string;
  /** Meta's error codes when it failed (e.g. 131047: outside the 24-hour window). */
  errors?: number[];
}

/**
 * The WhatsApp Cloud API (Meta's Graph API) through a webhook. A thin translator: native webhook -> Inbound,
 * outputs -> Graph calls, one error boundary. The webhook is answered at once and handled after, as Meta asks,
 * in order per chat.
 */
export class WhatsappCloudChannel implements ChannelSender {
  readonly name = 'whatsapp-cloud' as const;
  readonly graph: GraphClient;
  /** Per chat, so replies to quick messages go out in order; different chats are handled side by side. */
  private readonly queue = new KeyedQueue();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly seen = new Set<string>();
  /** When each chat last wrote (ms), for the 24-hour window. */
  private readonly lastInbound = new Map<string, number>();
  private readonly statuses = new Map<string, DeliveryStatus>();
  /** Failures already logged where they happened, so the boundary does not log them again. */
  private readonly reported = new WeakSet<Error>();

  constructor(
    private readonly app: App,
    private readonly options: WhatsappCloudOptions,
  ) {
    this.graph = new GraphClient({
      logger: app.services.logger,
      accessToken: options.accessToken,
      apiRoot: options.apiRoot,
      phoneNumberId: options.phoneNumberId,
      retry: options.retry,
    });
  }

  mount(http: Hono): void {
    http.get(WHATSAPP_WEBHOOK_PATH, (c) => {
      const mode = c.req.query('hub.mode');
      const token = c.req.query('hub.verify_token') ?? '';
      const challenge = c.req.query('hub.challenge') ?? '';
      if (mode !== 'subscribe' || !sameText(token, this.options.verifyToken)) {
        this.app.services.logger.warn('whatsapp webhook verification refused');
        return c.text('forbidden', 403);
      }
      return c.text(challenge, 200);
    });
    http.post(
      WHATSAPP_WEBHOOK_PATH,
      bodyLimit({ maxSize: MAX_WEBHOOK_BYTES, onError: (c) => c.json({ error: 'too_large' }, 413) }),
      async (c) => {
        const raw = new Uint8Array(await c.req.arrayBuffer());
        if (!this.signedByMeta(raw, c.req.header('x-hub-signature-256'))) {
          this.app.services.logger.warn('whatsapp webhook with a missing or bad signature refused');
          return c.json({ error: 'bad_signature' }, 401);
        }
        let json: unknown;
        try {
          json = JSON.parse(new TextDecoder().decode(raw));
        } catch {
          return c.json({ error: 'bad_request' }, 400);
        }
        const parsed = parseWebhook(json);
        if (!parsed.ok) {
          this.app.services.logger.warn({ problem: parsed.problem }, 'whatsapp webhook body not understood');
          return c.json({ error: 'bad_request' }, 400);
        }
        for (const value of parsed.values) {
          for (const status of value.statuses ?? []) void this.track(this.onStatus(status));
          const contact = value.contacts?.[0]?.wa_id;
          for (const message of value.messages ?? []) this.accept(message, contact);
        }
        return c.text('ok', 200);
      },
    );
  }

  /** Resolves once every webhook and push in hand is handled and its messages sent (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The latest status Meta reported for a message the bot sent (bounded memory; none after a restart). */
  deliveryStatus(messageId: string): DeliveryStatus | undefined {
    return this.statuses.get(messageId);
  }

  /**
   * Messages the bot starts (reminders, alerts). Within 24 hours of her last message they go as they are;
   * outside it only an approved template may be sent, so they go as the reminder template, or, without one,
   * are not sent (a warning). Rejects with a DeliveryError when they could not all be sent (logged, safely).
   */
  async send(ref: string, messages: OutMessage[]): Promise<void> {
    const work = this.sendNow(ref, messages);
    await this.track(work, ref);
    try {
      await work;
    } catch (error) {
      throw isDeliveryError(error) ? error : new DeliveryError(this.name, 'send', 'internal', false);
    }
  }

  private async sendNow(ref: string, messages: OutMessage[]): Promise<void> {
    if (await this.windowOpen(ref)) return this.deliver(ref, messages);
    const { reminderTemplate } = this.options;
    if (!reminderTemplate) {
      const { logger, pseudo } = this.app.services;
      logger.warn(
        { to: pseudo(`${this.name}:${ref}`), count: messages.length },
        'whatsapp: outside the 24-hour window and no WHATSAPP_CLOUD_REMINDER_TEMPLATE; message not sent',
      );
      const error = new DeliveryError(this.name, 'sendMessage', 'outside-window', true);
      this.reported.add(error);
      throw error;
    }
    await this.graph.sendMessage(ref, {
      type: 'template',
      template: {
        name: reminderTemplate,
        language: { code: this.options.templateLanguage ?? 'en' },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: templateText(messages.map(textOf)) }] },
        ],
      },
    });
  }

  // --- inbound ------------------------------------------------------------------------------------

  private signedByMeta(raw: Uint8Array, header: string | undefined): boolean {
    const given = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '')?.[1];
    if (!given) return false;
    const expected = createHmac('sha256', this.options.appSecret).update(raw).digest();
    return timingSafeEqual(Buffer.from(given, 'hex'), expected);
  }

  private accept(message: WaMessage, contact: string | undefined): void {
    const ref = message.from ?? contact;
    if (!ref) return;
    // Meta redelivers when it missed our 200: the same id is handled once (the engine also checks, for users).
    if (this.seen.has(message.id)) return;
    remember(this.seen, message.id, SEEN_IDS);
    const payload = this.payloadOf(message);
    // Reactions and system notices are not counted as her writing: the window is only trusted when sure.
    if (!payload) return;
    this.noteInbound(ref, message.timestamp);
    void this.track(
      this.queue.run(ref, async () => {
        const replies = await this.app.receive({
          channel: this.name,
          ref,
          messageId: message.id,
          at: this.app.services.clock.now(),
          payload,
        });
        await this.deliver(ref, replies);
      }),
      ref,
    );
  }

  /** Remembers when she wrote, for the 24-hour window. */
  private noteInbound(ref: string, timestamp: string | undefined): void {
    const now = this.app.services.clock.now().getTime();
    const sentAt = Number(timestamp) * 1000;
    // The window runs from when she wrote; a late redelivery must not stretch it.
    const wrote = Number.isFinite(sentAt) && sentAt > 0 && sentAt < now ? sentAt : now;
    if (wrote <= (this.lastInbound.get(ref) ?? 0)) return;
    this.lastInbound.delete(ref); // re-inserted: the map's order is least recently written first
    this.lastInbound.set(ref, wrote);
    if (this.lastInbound.size > CHATS_KEPT)
      this.lastInbound.delete(this.lastInbound.keys().next().value as string);
  }

  private payloadOf(message: WaMessage): InboundPayload | null {
    switch (message.type) {
      case 'text':
        return message.text ? { kind: 'text', text: message.text.body } : null;
      case 'interactive': {
        const id = message.interactive?.button_reply?.id ?? message.interactive?.list_reply?.id;
        return id !== undefined ? { kind: 'choice', id } : { kind: 'unsupported', what: 'other' };
      }
      case 'button': {
        // A quick-reply button of a template: its text is what she would have typed.
        const text = message.button?.text ?? message.button?.payload;
        return text ? { kind: 'text', text } : null;
      }
      case 'document': {
        const document = message.document;
        if (!document) return { kind: 'unsupported', what: 'other' };
        const name = document.filename ?? 'document';
        const limit = this.options.maxDocumentBytes ?? documentLimit(name);
        return {
          kind: 'document',
          name,
          mime: document.mime_type ?? 'application/octet-stream',
          // The webhook does not say; 0 is "unknown", and read() refuses anything above the limit (Graph's
          // file_size before downloading, then the bytes as they come).
          size: 0,
          read: () =>
            this.graph.downloadMedia(document.id, limit).catch((error: unknown) => {
              throw fetchFailure(this.name, error);
            }),
        };
      }
      case 'image':
        return { kind: 'unsupported', what: 'photo' };
      case 'sticker':
        return { kind: 'unsupported', what: 'sticker' };
      case 'audio':
        return { kind: 'unsupported', what: message.audio?.voice === false ? 'audio' : 'voice' };
      case 'video':
        return { kind: 'unsupported', what: 'video' };
      case 'location':
        return { kind: 'unsupported', what: 'location' };
      case 'contacts':
        return { kind: 'unsupported', what: 'contact' };
      // A reaction to a message, or a system notice (number changed...): nothing said to the bot.
      case 'reaction':
      case 'system':
      case 'request_welcome':
        return null;
      default:
        return { kind: 'unsupported', what: 'other' };
    }
  }

  /**
   * Statuses are kept in a bounded map in memory (the latest per message, never going back from read to
   * delivered when they arrive out of order). A failure is also written to the audit journal, pseudonymised:
   * that is what an operator acts on (e.g. code 131047, the 24-hour window), and the rest would only be noise.
   */
  private async onStatus(status: WaStatus): Promise<void> {
    const previous = this.statuses.get(status.id);
    const rank = (s: string | undefined) => STATUS_RANK[s ?? ''] ?? 0;
    if (previous && rank(previous.status) > rank(status.status)) return;
    const at = this.app.services.clock.now().toISOString();
    const errors = status.errors?.map((e) => e.code).filter((c): c is number => typeof c === 'number');
    this.statuses.delete(status.id);
    this.statuses.set(status.id, { status: status.status, at, ...(errors?.length ? { errors } : {}) });
    if (this.statuses.size > STATUSES_KEPT) this.statuses.delete(this.statuses.keys().next().value as string);
    if (status.status !== 'failed') return;
    const { logger, pseudo, store } = this.app.services;
    const detail = { status: status.status, message: pseudo(status.id), codes: errors?.join(',') ?? null };
    logger.warn(
      { ...detail, to: status.recipient_id ? pseudo(`${this.name}:${status.recipient_id}`) : null },
      'whatsapp message failed',
    );
    await store.journal<AuditRecord>('audit').append({ at, actor: null, action: 'whatsapp.status', detail });
  }

  // --- outbound -----------------------------------------------------------------------------------

  private async windowOpen(ref: string): Promise<boolean> {
    const now = this.app.services.clock.now().getTime();
    let last = this.lastInbound.get(ref);
    if (last === undefined) {
      // After a restart: the engine stamps a chat's session each time it handles a message from it.
      const session = await this.app.services.store.sessions.get(`${this.name}:${ref}`);
      const at = (session as { updatedAt?: unknown } | undefined)?.updatedAt;
      last = typeof at === 'string' ? Date.parse(at) : undefined;
    }
    return last !== undefined && now - last < SERVICE_WINDOW_MS;
  }

  /** Sends in order; stops at the first message Graph refuses for good (the rest would not make sense). */
  private async deliver(ref: string, messages: OutMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const parts = renderWhatsapp(messages);
    for (const part of parts) {
      if (part.kind === 'message') {
        await this.graph.sendMessage(ref, part.message);
        continue;
      }
      const data = await readFile(part.path).catch((error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        throw new DeliveryError(
          this.name,
          'uploadMedia',
          typeof code === 'string' ? code : 'unreadable',
          false,
        );
      });
      const id = await this.graph.uploadMedia(data, part.mime, part.filename);
      await this.graph.sendMessage(ref, mediaMessage(part, id));
    }
  }

  /**
   * The one error boundary: whatever fails is logged (pseudonymised), never thrown at Meta. A failed API call
   * as {channel, method, code, chat}, nothing of the message or the number.
   */
  private track(work: Promise<unknown>, ref?: string): Promise<void> {
    const guarded = work.then(
      () => undefined,
      (error: unknown) => {
        if (isDeliveryError(error) && this.reported.has(error)) return;
        const { logger, pseudo } = this.app.services;
        const chat = ref ? pseudo(`${this.name}:${ref}`) : undefined;
        if (isDeliveryError(error))
          logger.error({ ...failureFields(error), chat }, 'whatsapp cloud api call failed');
        else logger.error({ err: error, chat }, 'whatsapp cloud failed');
      },
    );
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
    return guarded;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function remember(set: Set<string>, id: string, max: number): void {
  set.add(id);
  if (set.size > max) set.delete(set.values().next().value as string);
}

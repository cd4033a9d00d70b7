import { createRequire } from 'node:module';
import type { App } from '../../app.js';
import { assertNever } from '../../core/assert-never.js';
import { KeyedQueue } from '../../core/keyed-queue.js';
import type { InboundPayload, OutMessage, UnsupportedKind } from '../../core/messages.js';
import type { ChannelSender } from '../delivery.js';
import { DeliveryError, failureFields, isDeliveryError } from '../delivery-error.js';
import {
  DocumentFetchError,
  DocumentTooLargeError,
  documentLimit,
  fetchFailure,
} from '../inbound-document.js';
import { WHATSAPP_LIMITS } from '../text/limits.js';
import { renderText } from '../text/render.js';
import type { WwebClient, WwebMessage } from './wweb-client.js';

/** The longest text sent as one message (WhatsApp's own limit is higher; the Cloud API's is 4096). */
export const WHATSAPP_TEXT_LIMIT = WHATSAPP_LIMITS.text;
export const DEFAULT_INIT_TIMEOUT_MS = 60_000;

export interface WhatsappWebOptions {
  /** Makes a client: createRealClient(...) in the bot, a fake in tests. Called again for every reconnect. */
  clientFactory: () => Promise<WwebClient> | WwebClient;
  /** How long initialize() may take before start() gives up (default 60 s). */
  initTimeoutMs?: number;
  /** Documents above this are refused without downloading (default: the upload limit of their kind). */
  maxDocumentBytes?: number;
  /** The first wait before reconnecting after a disconnect (default 1 s); it doubles per failed attempt. */
  reconnectDelayMs?: number;
  /** The longest wait between reconnect attempts (default 60 s). */
  maxReconnectDelayMs?: number;
  /** Shows a new QR code to whoever runs the bot (default: a hint and a small QR code on stderr). */
  printQr?: (qr: string) => void;
}

/** read() rejects with this for a document above the limit, before downloading it when WhatsApp gave its size. */
export { DocumentTooLargeError };

const UNSUPPORTED: Record<string, UnsupportedKind> = {
  image: 'photo',
  album: 'photo',
  sticker: 'sticker',
  ptt: 'voice',
  audio: 'audio',
  video: 'video',
  location: 'location',
  vcard: 'contact',
  multi_vcard: 'contact',
  poll_creation: 'other',
  groups_v4_invite: 'other',
  product: 'other',
  order: 'other',
  scheduled_event_creation: 'other',
};

/** Chats with one person: classic phone-number ids and WhatsApp's newer "linked ids". */
const isPersonChat = (id: string): boolean => id.endsWith('@c.us') || id.endsWith('@lid');

/** Messages from groups, status updates, broadcasts, channels and ourselves are not for the bot. */
export function isForBot(msg: WwebMessage): boolean {
  if (msg.fromMe || msg.isStatus || msg.broadcast) return false;
  if (msg.from === 'status@broadcast' || msg.author) return false;
  return isPersonChat(msg.from);
}

/** Turns a whatsapp-web.js message into a channel-neutral payload; null for messages the bot ignores. */
export function payloadOf(msg: WwebMessage, maxDocumentBytes?: number): InboundPayload | null {
  if (msg.type === 'chat') return { kind: 'text', text: msg.body };
  if (msg.type === 'document' && msg.hasMedia) {
    const size = msg._data?.size ?? 0;
    const name = msg._data?.filename ?? 'document';
    const limit = maxDocumentBytes ?? documentLimit(name);
    return {
      kind: 'document',
      name,
      mime: msg._data?.mimetype ?? 'application/octet-stream',
      size,
      read: async () => {
        if (size > limit) throw new DocumentTooLargeError(size, limit);
        // whatsapp-web.js hands the whole file over as base64 (no stream): its length is checked before decoding.
        const media = await msg.downloadMedia().catch((error: unknown) => {
          throw fetchFailure('whatsapp-web', error);
        });
        if (!media) throw new DocumentFetchError('whatsapp-web', 'expired');
        if (Math.floor((media.data.length * 3) / 4) > limit + 2) throw new DocumentTooLargeError(null, limit);
        const bytes = Buffer.from(media.data, 'base64');
        if (bytes.length > limit) throw new DocumentTooLargeError(bytes.length, limit);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
      },
    };
  }
  const what = UNSUPPORTED[msg.type];
  // Anything else (revoked, reactions, notifications, undecrypted "waiting for this message") is not a person
  // talking to us.
  return what ? { kind: 'unsupported', what } : null;
}

/** Errors whatsapp-web.js gives for a recipient WhatsApp does not know: sending again will not help. */
const UNKNOWN_RECIPIENT = /invalid wid|no lid for user|not a valid whatsapp user/i;
/** Errors of a browser or page that went away: the client is reconnecting. */
const GONE = /target closed|session closed|protocol error|execution context was destroyed|detached/i;

/** A failed whatsapp-web.js call as a DeliveryError: only a code, nothing of the error's text. */
export function wwebFailure(method: string, error: unknown): DeliveryError {
  if (isDeliveryError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (UNKNOWN_RECIPIENT.test(message))
    return new DeliveryError('whatsapp-web', method, 'invalid-recipient', true);
  if (GONE.test(message)) return new DeliveryError('whatsapp-web', method, 'not-connected', false);
  const code = (error as { code?: unknown } | null)?.code;
  return new DeliveryError(
    'whatsapp-web',
    method,
    typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : 'failed',
    false,
  );
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function printQrToStderr(qr: string): void {
  process.stderr.write(
    'WhatsApp Web is not linked: scan this QR code with WhatsApp on the phone (Settings > Linked devices > Link a device), or open GET /admin/whatsapp-qr.\n',
  );
  // qrcode-terminal has no types; it is CommonJS.
  const terminal = createRequire(import.meta.url)('qrcode-terminal') as {
    generate(input: string, options: { small: boolean }, done: (output: string) => void): void;
  };
  terminal.generate(qr, { small: true }, (output) => process.stderr.write(`${output}\n`));
}

/**
 * WhatsApp through whatsapp-web.js (a linked device driven in Chromium). A thin translator: native message ->
 * Inbound, outputs -> sendMessage calls, one error boundary. Reconnects with backoff after a disconnect.
 */
export class WhatsappWebChannel implements ChannelSender {
  readonly name = 'whatsapp-web' as const;
  private client: WwebClient | null = null;
  private ready = false;
  private qr: string | null = null;
  private stopped = true;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private connecting: Promise<void> | null = null;
  /** One chat's messages are handled and answered one at a time, so replies to quick messages stay in order. */
  private readonly chats = new KeyedQueue();

  constructor(
    private readonly app: App,
    private readonly options: WhatsappWebOptions,
  ) {}

  /** The QR code waiting to be scanned, or null (linked, or not started). */
  get latestQr(): string | null {
    return this.qr;
  }

  /** Whether the client is linked and ready to send. */
  get isReady(): boolean {
    return this.ready;
  }

  /**
   * Creates the client and initializes it (launches the browser, opens WhatsApp Web). Rejects with a clear error
   * if that fails or takes longer than initTimeoutMs (the client is destroyed then). It resolves once WhatsApp
   * Web is open, which on first run is when the QR code is shown, not when it is scanned.
   */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempts = 0;
    try {
      await this.connect();
    } catch (error) {
      this.stopped = true;
      throw error;
    }
    this.app.services.logger.info({ channel: this.name }, 'whatsapp-web started');
  }

  /** Stops reconnecting, destroys the client and waits until messages in hand are answered (or failed). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await this.chats.idle();
    const client = this.client;
    this.client = null;
    this.ready = false;
    this.qr = null;
    if (client) await this.destroyQuietly(client);
    await this.connecting?.catch(() => undefined);
  }

  /** Sends in order; rejects with a DeliveryError (and logs it, pseudonymised) at the first that fails. */
  async send(ref: string, messages: OutMessage[]): Promise<void> {
    for (const part of renderText(messages, WHATSAPP_LIMITS)) {
      switch (part.kind) {
        case 'text':
          await this.call(ref, (client) => client.sendMessage(ref, part.text));
          break;
        case 'media':
          await this.call(ref, (client) =>
            client.sendMessage(ref, client.mediaFromFile(part.path), {
              caption: part.caption,
              sendMediaAsDocument: part.type === 'document',
            }),
          );
          break;
        default:
          return assertNever(part);
      }
    }
  }

  /** One sendMessage call; a failure is logged as {channel, method, code, chat} and thrown as a DeliveryError. */
  private async call(ref: string, send: (client: WwebClient) => Promise<unknown>): Promise<void> {
    try {
      if (!this.client)
        throw new DeliveryError(
          this.name,
          'sendMessage',
          'not-connected',
          false,
          'whatsapp-web is not connected (reconnecting or stopped)',
        );
      await send(this.client);
    } catch (error) {
      const failure = wwebFailure('sendMessage', error);
      const { logger, pseudo } = this.app.services;
      logger.warn(
        { ...failureFields(failure), chat: pseudo(`${this.name}:${ref}`) },
        'whatsapp-web api call failed',
      );
      throw failure;
    }
  }

  private connect(): Promise<void> {
    const attempt = this.connectOnce();
    this.connecting = attempt;
    void attempt.then(
      () => this.settled(attempt),
      () => this.settled(attempt),
    );
    return attempt;
  }

  private settled(attempt: Promise<void>): void {
    if (this.connecting === attempt) this.connecting = null;
  }

  private async connectOnce(): Promise<void> {
    const client = await this.options.clientFactory();
    if (this.stopped) {
      await this.destroyQuietly(client);
      return;
    }
    this.client = client;
    this.ready = false;
    this.wire(client);
    const timeoutMs = this.options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Error(
      `whatsapp-web.js did not start within ${timeoutMs / 1000} s (initialize() timed out). ` +
        'Check that the browser runs (PUPPETEER_EXECUTABLE_PATH, e.g. apt-get install chromium), ' +
        'that web.whatsapp.com is reachable from this machine, and that no other process uses the session in ' +
        'DATA_DIR/whatsapp-web.',
    );
    const initializing = client.initialize();
    initializing.catch(() => undefined); // a late failure after the timeout is not an unhandled rejection
    try {
      await Promise.race([
        initializing,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(timedOut), timeoutMs);
        }),
      ]);
    } catch (error) {
      if (this.client === client) {
        this.client = null;
        this.ready = false;
      }
      await this.destroyQuietly(client);
      if (error === timedOut) {
        // Timed out while the browser was still launching, it may appear later: close it then too.
        const late = () => this.destroyQuietly(client);
        void initializing.then(late, late);
        throw timedOut;
      }
      throw new Error(
        `whatsapp-web.js failed to start: ${describe(error)}. Check PUPPETEER_EXECUTABLE_PATH and the network.`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private wire(client: WwebClient): void {
    const { logger } = this.app.services;
    const current = () => this.client === client && !this.stopped;
    client.on('qr', (qr) => {
      if (!current()) return;
      this.qr = qr;
      logger.info({ channel: this.name }, 'whatsapp-web needs linking: QR code shown');
      try {
        (this.options.printQr ?? printQrToStderr)(qr);
      } catch (error) {
        logger.warn({ err: error }, 'could not print the whatsapp-web QR code');
      }
    });
    client.on('authenticated', () => {
      if (current()) logger.info({ channel: this.name }, 'whatsapp-web authenticated');
    });
    client.on('auth_failure', (message) => {
      if (current())
        logger.error({ channel: this.name, reason: message }, 'whatsapp-web authentication failed');
    });
    client.on('ready', () => {
      if (!current()) return;
      this.qr = null;
      this.ready = true;
      this.attempts = 0;
      logger.info({ channel: this.name }, 'whatsapp-web ready');
    });
    client.on('disconnected', (reason) => {
      if (!current()) return;
      logger.warn({ channel: this.name, reason: String(reason) }, 'whatsapp-web disconnected; reconnecting');
      this.client = null;
      this.ready = false;
      void this.destroyQuietly(client);
      this.scheduleReconnect();
    });
    client.on('message', (msg) => {
      if (current()) this.onMessage(msg);
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const first = this.options.reconnectDelayMs ?? 1000;
    const max = this.options.maxReconnectDelayMs ?? 60_000;
    const delay = Math.min(first * 2 ** this.attempts, max);
    this.attempts++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stopped) return;
      this.connect().then(
        () => {
          if (!this.stopped)
            this.app.services.logger.info({ channel: this.name }, 'whatsapp-web reconnected');
        },
        (error: unknown) => {
          this.app.services.logger.error(
            { err: error, channel: this.name, attempt: this.attempts },
            'whatsapp-web reconnect failed; trying again later',
          );
          this.scheduleReconnect();
        },
      );
    }, delay);
  }

  /** The error boundary: nothing one message does may throw into whatsapp-web.js or end the process. */
  private onMessage(msg: WwebMessage): void {
    const { logger, pseudo } = this.app.services;
    let ref = 'unknown';
    try {
      if (!isForBot(msg)) return;
      ref = msg.from;
      const payload = payloadOf(msg, this.options.maxDocumentBytes);
      if (!payload) return;
      const messageId = msg.id._serialized;
      const chat = ref;
      this.chats
        .run(chat, () => this.handle(chat, messageId, payload))
        .catch((error: unknown) => {
          logger.error(
            {
              ...(isDeliveryError(error) ? failureFields(error) : { err: error }),
              chat: pseudo(`${this.name}:${chat}`),
            },
            'whatsapp-web message handling failed',
          );
        });
    } catch (error) {
      logger.error(
        { err: error, chat: pseudo(`${this.name}:${ref}`) },
        'whatsapp-web message handling failed',
      );
    }
  }

  private async handle(ref: string, messageId: string, payload: InboundPayload): Promise<void> {
    const replies = await this.app.receive({
      channel: this.name,
      ref,
      messageId,
      at: new Date(),
      payload,
    });
    await this.send(ref, replies);
  }

  private async destroyQuietly(client: WwebClient): Promise<void> {
    try {
      await client.destroy();
    } catch (error) {
      this.app.services.logger.warn({ err: error, channel: this.name }, 'whatsapp-web client destroy failed');
    }
  }
}

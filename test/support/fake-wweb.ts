import { EventEmitter } from 'node:events';
import { basename, extname } from 'node:path';
import type {
  WwebClient,
  WwebEvents,
  WwebMedia,
  WwebMessage,
  WwebSendOptions,
} from '../../src/channels/whatsapp-web/wweb-client.js';

export interface SentWweb {
  chatId: string;
  /** The text, or for media the file it was made from. */
  text: string | null;
  media: (WwebMedia & { path: string }) | null;
  options: WwebSendOptions | undefined;
}

export type InitBehaviour = 'resolve' | 'hang' | 'reject';

export interface FakeDocument {
  filename: string;
  mimetype: string;
  /** What WhatsApp reports in msg._data.size; omitted: unknown. */
  size?: number;
  data: Uint8Array;
}

/** A whatsapp-web.js message as the library hands it over, with a download counter. */
export interface FakeMessage extends WwebMessage {
  downloads: number;
}

const MIME: Record<string, string> = { '.png': 'image/png', '.pdf': 'application/pdf', '.jpg': 'image/jpeg' };

let messageCounter = 0;

/**
 * A stand-in for whatsapp-web.js's Client: an EventEmitter with the same events ('qr', 'ready', 'message',
 * 'disconnected'...). initialize() resolves, hangs or rejects on demand; sendMessage calls are recorded.
 */
export class FakeWwebClient extends EventEmitter<WwebEvents> implements WwebClient {
  readonly sent: SentWweb[] = [];
  initializeCalls = 0;
  destroyed = false;
  /** Chats whose sends fail with this error (whatsapp-web.js's errors quote what it was given). */
  readonly failingChats = new Map<string, Error>();

  constructor(private readonly behaviour: InitBehaviour = 'resolve') {
    super();
  }

  initialize(): Promise<void> {
    this.initializeCalls++;
    if (this.behaviour === 'hang') return new Promise(() => undefined);
    if (this.behaviour === 'reject') return Promise.reject(new Error('net::ERR_NAME_NOT_RESOLVED'));
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }

  async sendMessage(
    chatId: string,
    content: string | WwebMedia,
    options?: WwebSendOptions,
  ): Promise<unknown> {
    if (this.destroyed) throw new Error('Protocol error: Target closed');
    const failure = this.failingChats.get(chatId);
    if (failure) throw failure;
    this.sent.push({
      chatId,
      text: typeof content === 'string' ? content : null,
      media: typeof content === 'string' ? null : (content as WwebMedia & { path: string }),
      options,
    });
    return { id: { _serialized: `true_${chatId}_${++messageCounter}` } };
  }

  mediaFromFile(path: string): WwebMedia & { path: string } {
    return {
      mimetype: MIME[extname(path)] ?? 'application/octet-stream',
      data: '',
      filename: basename(path),
      path,
    };
  }

  sentTo(chatId: string): SentWweb[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }

  /** Emits a message as whatsapp-web.js would; returns it (e.g. to count downloads). */
  receive(fields: Partial<WwebMessage> & { from: string }, document?: FakeDocument): FakeMessage {
    const id = `false_${fields.from}_${++messageCounter}`;
    const message: FakeMessage = {
      id: { _serialized: id },
      fromMe: false,
      type: 'chat',
      body: '',
      hasMedia: false,
      downloads: 0,
      _data: document
        ? { filename: document.filename, mimetype: document.mimetype, size: document.size }
        : {},
      async downloadMedia() {
        message.downloads++;
        if (!document) return undefined;
        return {
          mimetype: document.mimetype,
          data: Buffer.from(document.data).toString('base64'),
          filename: document.filename,
          filesize: document.size ?? null,
        };
      },
      ...fields,
    };
    this.emit('message', message);
    return message;
  }

  receiveText(from: string, body: string): FakeMessage {
    return this.receive({ from, body, type: 'chat' });
  }

  receiveDocument(from: string, document: FakeDocument): FakeMessage {
    return this.receive({ from, type: 'document', hasMedia: true, body: document.filename }, document);
  }

  /** Waits until at least n messages went to this chat. */
  async waitForMessages(chatId: string, n: number, timeoutMs = 3000): Promise<SentWweb[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.sentTo(chatId).length < n) {
      if (Date.now() > deadline)
        throw new Error(
          `expected ${n} messages to ${chatId}, got ${this.sentTo(chatId).length}: ${JSON.stringify(this.sentTo(chatId))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.sentTo(chatId);
  }
}

/** Makes the fake clients the channel asks for (one per start or reconnect), each with its own behaviour. */
export class FakeWwebFactory {
  readonly clients: FakeWwebClient[] = [];
  private readonly plan: InitBehaviour[];

  /** `plan`: how each successive client's initialize() behaves; after the plan runs out, they resolve. */
  constructor(...plan: InitBehaviour[]) {
    this.plan = plan;
  }

  readonly create = (): FakeWwebClient => {
    const client = new FakeWwebClient(this.plan.shift() ?? 'resolve');
    this.clients.push(client);
    return client;
  };

  get current(): FakeWwebClient {
    const client = this.clients.at(-1);
    if (!client) throw new Error('no client created yet');
    return client;
  }

  async waitForClients(n: number, timeoutMs = 3000): Promise<FakeWwebClient> {
    const deadline = Date.now() + timeoutMs;
    while (this.clients.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} clients, got ${this.clients.length}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.current;
  }
}

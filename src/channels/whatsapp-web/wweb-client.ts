import { join } from 'node:path';

/** Media as whatsapp-web.js carries it (its MessageMedia): base64 data with a MIME type and maybe a file name. */
export interface WwebMedia {
  mimetype: string;
  /** Base64. */
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

/** The parts of a whatsapp-web.js Message the channel reads. */
export interface WwebMessage {
  id: { _serialized: string };
  /** The chat: '27821234567@c.us' (or '...@lid') for a person, '...@g.us' for a group, 'status@broadcast'. */
  from: string;
  /** Set in groups: who wrote. */
  author?: string;
  fromMe: boolean;
  isStatus?: boolean;
  broadcast?: boolean;
  /** 'chat', 'document', 'image', 'ptt'... (whatsapp-web.js MessageTypes). */
  type: string;
  body: string;
  hasMedia: boolean;
  /** The raw WhatsApp Web model; documents carry filename, mimetype and size there. */
  _data?: { filename?: string; mimetype?: string; size?: number };
  downloadMedia(): Promise<WwebMedia | undefined>;
}

export interface WwebSendOptions {
  caption?: string;
  sendMediaAsDocument?: boolean;
}

/** The events the channel listens to, with their arguments. */
export interface WwebEvents {
  qr: [qr: string];
  ready: [];
  authenticated: [];
  auth_failure: [message: string];
  message: [message: WwebMessage];
  disconnected: [reason: string];
}

/** What the channel needs of a whatsapp-web.js Client, so tests can drive a fake with the same events. */
export interface WwebClient {
  on<E extends keyof WwebEvents>(event: E, listener: (...args: WwebEvents[E]) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: string | WwebMedia, options?: WwebSendOptions): Promise<unknown>;
  /** MessageMedia.fromFilePath: the media to send for a local file. */
  mediaFromFile(path: string): WwebMedia;
}

export interface RealClientOptions {
  /** DATA_DIR: the session (LocalAuth) lives in DATA_DIR/whatsapp-web. */
  dataDir: string;
  /** The browser puppeteer drives (PUPPETEER_EXECUTABLE_PATH, e.g. Debian's /usr/bin/chromium). */
  executablePath: string;
}

/**
 * The real whatsapp-web.js Client. Loaded lazily, so nothing that does not use this channel loads puppeteer.
 * Constructing it launches nothing: the browser starts in initialize().
 */
export async function createRealClient(options: RealClientOptions): Promise<WwebClient> {
  // The import trap (shared docs/environment.md): named imports from this CommonJS package fail under plain node.
  const { default: wweb } = await import('whatsapp-web.js');
  const { Client, LocalAuth, MessageMedia } = wweb;
  const sessionDir = join(options.dataDir, 'whatsapp-web');
  const client = new Client({
    authStrategy: new LocalAuth({ dataPath: sessionDir }),
    // The default cache is ./.wwebjs_cache in the working directory; keep everything in DATA_DIR.
    webVersionCache: { type: 'local', path: join(sessionDir, 'web-cache') },
    puppeteer: {
      headless: true,
      executablePath: options.executablePath,
      args: ['--no-sandbox', '--disable-setuid-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    },
  });
  return {
    on: (event, listener) => client.on(event, listener),
    initialize: () => client.initialize(),
    destroy: () => client.destroy(),
    sendMessage: (chatId, content, sendOptions) =>
      client.sendMessage(
        chatId,
        typeof content === 'string' || content instanceof MessageMedia
          ? content
          : new MessageMedia(content.mimetype, content.data, content.filename, content.filesize),
        sendOptions,
      ),
    mediaFromFile: (path) => MessageMedia.fromFilePath(path),
  };
}

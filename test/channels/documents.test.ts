import { createHmac } from 'node:crypto';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { CliChat } from '../../src/channels/cli/cli-chat.js';
import {
  DocumentFetchError,
  DocumentTooLargeError,
  documentLimit,
} from '../../src/channels/inbound-document.js';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import { MAX_UPLOAD_BYTES, WebchatChannel } from '../../src/channels/webchat/webchat-channel.js';
import {
  WHATSAPP_WEBHOOK_PATH,
  WhatsappCloudChannel,
} from '../../src/channels/whatsapp-cloud/whatsapp-cloud-channel.js';
import { WhatsappWebChannel } from '../../src/channels/whatsapp-web/whatsapp-web-channel.js';
import { UPLOAD_LIMITS } from '../../src/content/versions/limits.js';
import type { Inbound, OutMessage } from '../../src/core/messages.js';
import type { Services } from '../../src/core/services.js';
import { createTranslations } from '../../src/i18n/i18n.js';
import { createLogger } from '../../src/logging/logger.js';
import { localesDir } from '../../src/paths.js';
import { startTestBot } from '../support/bots.js';
import { hasChromium, launchChromium } from '../support/browser.js';
import { FakeGraph } from '../support/fake-graph.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { FakeWwebFactory } from '../support/fake-wweb.js';

/** What reached the engine: the inbound, and what its read() gave (bytes) or threw. */
interface Seen {
  inbound: Inbound;
  bytes?: Uint8Array;
  error?: unknown;
}

/**
 * A small stand-in for the App: receive() records the inbound, calls read() on a document (as the publishing flow
 * does) and answers with one text. Only the services the channels use are there; logs are kept to look into.
 */
class RecordingApp {
  readonly seen: Seen[] = [];
  readonly logs: string[] = [];
  private readonly waiters = new Set<() => void>();
  readonly app: App;

  constructor(extra: Partial<Services> = {}) {
    const services: Partial<Services> = {
      logger: createLogger('debug', { write: (line: string) => void this.logs.push(line) }),
      pseudo: (id) => `p-${id.length}`,
      clock: { now: () => new Date() },
      ...extra,
    };
    const receive = async (inbound: Inbound): Promise<OutMessage[]> => {
      const seen: Seen = { inbound };
      if (inbound.payload.kind === 'document') {
        try {
          seen.bytes = await inbound.payload.read();
        } catch (error) {
          seen.error = error;
        }
      }
      this.seen.push(seen);
      for (const waiter of [...this.waiters]) waiter();
      return [{ type: 'text', text: seen.bytes ? `read ${seen.bytes.byteLength} bytes` : 'not read' }];
    };
    // The channels only reach services (logger, pseudo, clock, i18n) and receive: nothing else is made up.
    this.app = { services, receive } as unknown as App;
  }

  /** Resolves with the n-th inbound (1-based) once it is handled. */
  nth(n: number, timeoutMs = 3000): Promise<Seen> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const seen = this.seen[n - 1];
        if (!seen) return false;
        clearTimeout(timer);
        this.waiters.delete(listener);
        resolve(seen);
        return true;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(listener);
        reject(new Error(`wanted ${n} inbound messages, got ${this.seen.length}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(listener);
    });
  }
}

/** Bytes that differ along their length, so a truncated or reordered read shows. */
function bytesOf(size: number, seed = 7): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

const yaml = (text: string) => new TextEncoder().encode(text);

/** Byte for byte (vitest's deep equality walks megabytes one element at a time). */
function expectSameBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  expect(actual?.byteLength).toBe(expected.byteLength);
  expect(actual && Buffer.from(actual).equals(Buffer.from(expected))).toBe(true);
}

describe('document uploads on Telegram (fake Bot API, real channel)', () => {
  const TOKEN = '123:test-token';
  const CHAT = 4242;
  let fake: FakeTelegram;
  let recording: RecordingApp;
  let channel: TelegramChannel;

  beforeEach(async () => {
    fake = await FakeTelegram.start();
    recording = new RecordingApp();
    channel = new TelegramChannel(recording.app, {
      token: TOKEN,
      apiRoot: fake.apiRoot,
    });
    await channel.start();
  });

  afterEach(async () => {
    await channel.stop();
    await fake.close();
  });

  it('reads the bytes sent, through getFile and the download route', async () => {
    const bytes = yaml('id: new-article\ntitle: A new article\n');
    fake.queueDocument(CHAT, { fileName: 'new-article.yaml', mimeType: 'application/yaml', bytes });
    const seen = await recording.nth(1);
    expect(seen.inbound).toMatchObject({ channel: 'telegram', ref: String(CHAT) });
    expect(seen.inbound.payload).toMatchObject({
      kind: 'document',
      name: 'new-article.yaml',
      mime: 'application/yaml',
      size: bytes.byteLength,
    });
    expect(seen.error).toBeUndefined();
    expectSameBytes(seen.bytes, bytes);
    expect(fake.fileRequests).toHaveLength(1);
    const [reply] = await fake.waitForMessages(CHAT, 1);
    expect(reply?.text).toBe(`read ${bytes.byteLength} bytes`);
  });

  it('reads a zip above the one-file limit, within the zip limit', async () => {
    const bytes = bytesOf(UPLOAD_LIMITS.fileBytes + 100_000);
    fake.queueDocument(CHAT, { fileName: 'content.zip', mimeType: 'application/zip', bytes });
    const seen = await recording.nth(1);
    expect(seen.error).toBeUndefined();
    expectSameBytes(seen.bytes, bytes);
  });

  it('refuses a file Telegram says is too large without asking for it', async () => {
    fake.queueDocument(CHAT, {
      fileName: 'huge.yaml',
      bytes: yaml('a: 1\n'),
      fileSize: 50 * 1024 * 1024,
    });
    const seen = await recording.nth(1);
    expect(seen.error).toBeInstanceOf(DocumentTooLargeError);
    expect(seen.error).toMatchObject({ size: 50 * 1024 * 1024, limit: UPLOAD_LIMITS.fileBytes });
    expect(fake.calls.filter((c) => c.method === 'getFile')).toHaveLength(0);
    expect(fake.fileRequests).toHaveLength(0);
  });

  it('refuses when getFile reports a size the message did not give', async () => {
    fake.queueDocument(CHAT, {
      fileName: 'big.md',
      bytes: bytesOf(UPLOAD_LIMITS.fileBytes + 1),
      fileSize: null,
    });
    const seen = await recording.nth(1);
    expect(seen.error).toBeInstanceOf(DocumentTooLargeError);
    expect(fake.calls.filter((c) => c.method === 'getFile')).toHaveLength(1);
    expect(fake.fileRequests).toHaveLength(0);
  });

  it('stops reading a download that grows past the limit', async () => {
    // Telegram claims a small file; the download says no length and keeps coming.
    fake.queueDocument(CHAT, {
      fileName: 'lesson.md',
      bytes: bytesOf(UPLOAD_LIMITS.fileBytes * 2),
      fileSize: 100,
      hideLength: true,
    });
    const seen = await recording.nth(1);
    expect(fake.fileRequests).toHaveLength(1);
    expect(seen.error).toBeInstanceOf(DocumentTooLargeError);
    expect(seen.bytes).toBeUndefined();
  });

  it('rejects a failed download with a DocumentFetchError, logged without file name, chat or token', async () => {
    fake.queue({
      update_id: 900,
      message: {
        message_id: 900,
        date: Math.floor(Date.now() / 1000),
        chat: { id: CHAT, type: 'private', first_name: 'Secret Person' },
        from: { id: CHAT, is_bot: false, first_name: 'Secret Person' },
        document: { file_id: 'expired-file', file_unique_id: 'u-expired', file_name: 'private-notes.yaml' },
      },
    });
    const seen = await recording.nth(1);
    expect(seen.error).toBeInstanceOf(DocumentFetchError);
    expect(seen.error).toMatchObject({ channel: 'telegram', code: 400 });
    const logs = recording.logs.join('\n');
    expect(logs).toContain('getFile');
    for (const secret of ['private-notes', String(CHAT), 'Secret Person', 'test-token', 'expired-file'])
      expect(logs).not.toContain(secret);
  });
});

describe('document uploads on WhatsApp Cloud (fake Graph API)', () => {
  const SECRET = 'app-secret';
  const FROM = '27710000009';
  let fake: FakeGraph;
  let recording: RecordingApp;
  let channel: WhatsappCloudChannel;
  let http: Hono;
  let counter = 0;

  beforeEach(async () => {
    fake = await FakeGraph.start();
    recording = new RecordingApp();
    channel = new WhatsappCloudChannel(recording.app, {
      accessToken: fake.token,
      phoneNumberId: '1065',
      appSecret: SECRET,
      verifyToken: 'verify',
      apiRoot: fake.apiRoot,
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
    });
    http = new Hono();
    channel.mount(http);
  });

  afterEach(async () => {
    await channel.idle();
    await fake.close();
  });

  const sendDocument = async (mediaId: string, filename: string): Promise<void> => {
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          changes: [
            {
              field: 'messages',
              value: {
                messages: [
                  {
                    from: FROM,
                    id: `wamid.doc-${++counter}`,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'document',
                    document: { id: mediaId, filename, mime_type: 'application/zip' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const signature = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
    const response = await http.request(WHATSAPP_WEBHOOK_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body: raw,
    });
    expect(response.status).toBe(200);
  };

  it('reads the bytes sent, up to the zip limit for a zip', async () => {
    const bytes = bytesOf(UPLOAD_LIMITS.fileBytes + 50_000);
    fake.addMedia('media-zip', bytes, 'application/zip');
    await sendDocument('media-zip', 'content.zip');
    const seen = await recording.nth(1);
    expect(seen.inbound.payload).toMatchObject({ kind: 'document', name: 'content.zip' });
    expect(seen.error).toBeUndefined();
    expectSameBytes(seen.bytes, bytes);
  });

  it('refuses a content file above the upload limit before downloading it', async () => {
    fake.addMedia('media-big', bytesOf(UPLOAD_LIMITS.fileBytes + 1), 'application/yaml');
    await sendDocument('media-big', 'big.yaml');
    const seen = await recording.nth(1);
    expect(seen.error).toBeInstanceOf(DocumentTooLargeError);
    expect(fake.calls.map((c) => c.path)).toContain('/v23.0/media-big');
    expect(fake.calls.map((c) => c.path)).not.toContain('/download/media-big');
  });

  it('rejects media Meta no longer has with a DocumentFetchError', async () => {
    await sendDocument('media-gone', 'lesson.md');
    const seen = await recording.nth(1);
    expect(seen.error).toBeInstanceOf(DocumentFetchError);
    expect(seen.error).toMatchObject({ channel: 'whatsapp-cloud', code: 100 });
  });
});

describe('document uploads on whatsapp-web.js (fake client)', () => {
  const FROM = '27829876543@c.us';
  let recording: RecordingApp;
  let factory: FakeWwebFactory;
  let channel: WhatsappWebChannel;

  beforeEach(async () => {
    recording = new RecordingApp();
    factory = new FakeWwebFactory();
    channel = new WhatsappWebChannel(recording.app, {
      clientFactory: factory.create,
      initTimeoutMs: 200,
      printQr: () => undefined,
    });
    await channel.start();
  });

  afterEach(async () => {
    await channel.stop();
  });

  it('reads the bytes sent', async () => {
    const bytes = yaml('# A lesson\n\nSome text.\n');
    const message = factory.current.receiveDocument(FROM, {
      filename: 'lesson.md',
      mimetype: 'text/markdown',
      size: bytes.byteLength,
      data: bytes,
    });
    const seen = await recording.nth(1);
    expect(seen.inbound.payload).toMatchObject({
      kind: 'document',
      name: 'lesson.md',
      size: bytes.byteLength,
    });
    expectSameBytes(seen.bytes, bytes);
    expect(message.downloads).toBe(1);
  });

  it('refuses a file above the upload limit without downloading it', async () => {
    const message = factory.current.receiveDocument(FROM, {
      filename: 'content.zip',
      mimetype: 'application/zip',
      size: UPLOAD_LIMITS.zipBytes + 1,
      data: new Uint8Array(1),
    });
    const seen = await recording.nth(1);
    expect(seen.error).toBeInstanceOf(DocumentTooLargeError);
    expect(seen.error).toMatchObject({ limit: UPLOAD_LIMITS.zipBytes });
    expect(message.downloads).toBe(0);
  });

  it('refuses a file of unknown size that proves too large once downloaded', async () => {
    factory.current.receiveDocument(FROM, {
      filename: 'big.yaml',
      mimetype: 'application/yaml',
      data: bytesOf(UPLOAD_LIMITS.fileBytes + 10),
    });
    const seen = await recording.nth(1);
    expect(seen.error).toBeInstanceOf(DocumentTooLargeError);
  });
});

describe('document uploads on the web chat', () => {
  const TOKEN = 'a-browser-token-123';
  let recording: RecordingApp;
  let http: Hono;

  beforeEach(async () => {
    recording = new RecordingApp({ i18n: await createTranslations(localesDir) });
    http = new Hono();
    new WebchatChannel(recording.app, 'on').mount(http, '<html></html>');
  });

  const upload = (body: Uint8Array<ArrayBuffer>, headers: Record<string, string>) =>
    http.request('/webchat/api/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...headers },
      body,
    });

  it('hands the bytes to the bot and answers with its replies', async () => {
    const bytes = bytesOf(UPLOAD_LIMITS.fileBytes + 3, 11);
    const name = 'Saúde da mãe.zip';
    const response = await upload(bytes, {
      'content-type': 'application/zip',
      'x-webchat-token': TOKEN,
      'x-file-name': encodeURIComponent(name),
      'x-message-id': 'up-1',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      messages: [{ type: 'text', text: `read ${bytes.byteLength} bytes` }],
    });
    const [seen] = recording.seen;
    expect(seen?.inbound).toMatchObject({ channel: 'webchat', messageId: 'up-1' });
    expect(seen?.inbound.ref).not.toContain(TOKEN);
    expect(seen?.inbound.payload).toMatchObject({
      kind: 'document',
      name,
      mime: 'application/zip',
      size: bytes.byteLength,
    });
    expectSameBytes(seen?.bytes, bytes);
  });

  it('keeps only the file name of a path', async () => {
    const response = await upload(yaml('a: 1\n'), {
      'x-webchat-token': TOKEN,
      'x-file-name': encodeURIComponent('C:\\Users\\me\\Desktop\\article.yaml'),
    });
    expect(response.status).toBe(200);
    expect(recording.seen[0]?.inbound.payload).toMatchObject({ name: 'article.yaml' });
  });

  it('answers 413 to a body above the limit, and the bot never sees it', async () => {
    const response = await upload(new Uint8Array(MAX_UPLOAD_BYTES + 1), {
      'x-webchat-token': TOKEN,
      'x-file-name': 'big.zip',
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'too_large' });
    expect(recording.seen).toHaveLength(0);
    expect(MAX_UPLOAD_BYTES).toBeGreaterThan(UPLOAD_LIMITS.zipBytes);
  });

  it('lets the bot refuse a file the page did not send for its size', async () => {
    const response = await upload(new Uint8Array(0), {
      'x-webchat-token': TOKEN,
      'x-file-name': 'huge.zip',
      'x-file-size': String(50 * 1024 * 1024),
    });
    expect(response.status).toBe(200);
    const [seen] = recording.seen;
    expect(seen?.inbound.payload).toMatchObject({ kind: 'document', size: 50 * 1024 * 1024 });
    expect(seen?.error).toBeInstanceOf(DocumentTooLargeError);
  });

  it('refuses an upload without a token or a readable name', async () => {
    const noToken = await upload(yaml('a: 1\n'), { 'x-file-name': 'a.yaml' });
    expect(noToken.status).toBe(400);
    const badName = await upload(yaml('a: 1\n'), { 'x-webchat-token': TOKEN, 'x-file-name': '%E0%A4%A' });
    expect(badName.status).toBe(400);
    expect(recording.seen).toHaveLength(0);
  });

  it('gives the page the attach and sending texts in her language', async () => {
    const config = (await (await http.request('/webchat/api/config?lang=pt')).json()) as {
      strings: Record<string, string>;
      maxUpload: number;
    };
    expect(config.strings.attach).toBe('Anexar um ficheiro de conteúdo');
    expect(config.strings.uploading).toBe('A enviar {{name}}…');
    expect(config.maxUpload).toBe(MAX_UPLOAD_BYTES);
  });
});

describe('document uploads in the CLI chat', () => {
  const run = async (app: App, lines: unknown[]): Promise<string[]> => {
    const out: string[] = [];
    const chat = new CliChat(app, true, (line) => out.push(line));
    await chat.run(Readable.from(lines.map((l) => `${JSON.stringify(l)}\n`)), 'trainer');
    return out;
  };

  it('reads the file named, and refuses one above the limit without reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-doc-'));
    const bytes = yaml('id: a\ntitle: An article\n');
    writeFileSync(join(dir, 'article.yaml'), bytes);
    writeFileSync(join(dir, 'huge.md'), '');
    truncateSync(join(dir, 'huge.md'), documentLimit('huge.md') + 1);
    const recording = new RecordingApp();
    const out = await run(recording.app, [
      { from: 'trainer', document: join(dir, 'article.yaml') },
      { from: 'trainer', document: join(dir, 'huge.md') },
    ]);
    expect(recording.seen[0]?.inbound.payload).toMatchObject({ kind: 'document', name: 'article.yaml' });
    expect(recording.seen[0]?.bytes).toEqual(bytes);
    expect(recording.seen[1]?.error).toBeInstanceOf(DocumentTooLargeError);
    expect(out).toContain(
      JSON.stringify({ to: 'trainer', type: 'text', text: `read ${bytes.byteLength} bytes` }),
    );
  });
});

// The page itself; skipped without Chromium (test/webchat.browser.test.ts warns loudly about that).
describe.skipIf(!hasChromium)('the web chat page sends a file', () => {
  it('shows the attach button, "Sending <name>…" and then the replies', async () => {
    const bot = await startTestBot({});
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 800 }, locale: 'en-US' });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`http://127.0.0.1:${bot.port}`);
      await page.click('#identities button[data-identity="mentor"]');
      await page.locator('.msg.bot', { hasText: 'Main menu' }).waitFor({ timeout: 5000 });
      expect(await page.getAttribute('#attach', 'aria-label')).toBe('Attach a content file');
      expect(await page.getAttribute('#file', 'accept')).toBe('.yaml,.yml,.md,.zip');

      const sent = page.waitForRequest('**/webchat/api/upload');
      await page.setInputFiles('#file', {
        name: 'new article.yaml',
        mimeType: 'application/yaml',
        buffer: Buffer.from('id: a\n'),
      });
      const request = await sent;
      expect(request.headers()['x-file-name']).toBe('new%20article.yaml');
      expect(request.headers()['content-type']).toBe('application/yaml');
      await page.locator('.msg.me', { hasText: 'Sending new article.yaml…' }).waitFor({ timeout: 5000 });
      // A mentor does not publish: the bot says so, and the page shows it.
      await page.locator('.msg.bot', { hasText: 'Only trainers publish' }).waitFor({ timeout: 5000 });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await bot.stop();
    }
  });
});

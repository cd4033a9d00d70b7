import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Update } from 'grammy/types';

/**
 * A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks: point grammY at it with
 * `new Bot(token, { client: { apiRoot: fake.apiRoot } })`. It queues updates from make-believe people, hands
 * them out through real long polling (getUpdates), records what the bot sends, and serves the files people
 * "sent" (getFile, then GET /file/bot<token>/<file_path>).
 */

export type SendMethod = 'sendMessage' | 'sendPhoto' | 'sendDocument';

export interface InlineButton {
  text: string;
  callback_data?: string;
}

export interface SentMessage {
  method: SendMethod;
  chatId: number;
  /** The text, or the caption of a photo or document. */
  text: string;
  replyMarkup?: { inline_keyboard?: InlineButton[][] };
  /** For uploads: the multipart file part. */
  file?: { filename: string; size: number };
  /** performance.now() when the request arrived. */
  at: number;
}

export interface QueueOptions {
  messageId?: number;
  chatType?: 'private' | 'group' | 'supergroup';
  /** Who writes; defaults to the chat id (as in a private chat). */
  fromId?: number;
  languageCode?: string;
}

/** A document a make-believe person sends. */
export interface FakeDocument {
  fileName: string;
  mimeType?: string;
  bytes: Uint8Array;
  /**
   * The size Telegram reports, in the message and from getFile; default the real size. Null: the message does not
   * say, getFile gives the real size.
   */
  fileSize?: number | null;
  /** Serve the download without a content-length (chunked), as a server that does not say how much comes. */
  hideLength?: boolean;
}

interface StoredFile {
  path: string;
  bytes: Uint8Array;
  /** What getFile reports. */
  fileSize: number;
  hideLength: boolean;
}

interface Poll {
  offset: number;
  limit: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

interface Body {
  fields: Record<string, unknown>;
  files: Record<string, { filename: string; size: number }>;
}

const BOT = { id: 123, is_bot: true, first_name: 'Mentor Bot', username: 'fake_mentor_bot' } as const;

export class FakeTelegram {
  /** Every recorded sendMessage / sendPhoto / sendDocument, in arrival order. */
  readonly sent: SentMessage[] = [];
  /** Every API call by method name, for assertions such as "setWebhook was called". */
  readonly calls: { method: string; body: Record<string, unknown> }[] = [];
  /** performance.now() when each update was first handed out by getUpdates, by update_id. */
  readonly servedAt = new Map<number, number>();
  /** Optional hook called for every recorded message (benchmarks). */
  onSent: ((message: SentMessage) => void) | null = null;
  /** The file_path of every file download the bot asked for, in order. */
  readonly fileRequests: string[] = [];

  private readonly pending: Update[] = [];
  private readonly polls = new Set<Poll>();
  private readonly failures = new Map<string, number>();
  private readonly refusals = new Map<number, { code: number; description: string }>();
  private readonly waiters = new Set<() => void>();
  private readonly files = new Map<string, StoredFile>();
  private nextFileId = 1;
  private nextUpdateId = 1;
  private nextMessageId = 1;

  private constructor(
    private readonly server: Server,
    readonly apiRoot: string,
  ) {}

  static async start(): Promise<FakeTelegram> {
    let fake: FakeTelegram | undefined;
    const server = createServer((req, res) => {
      fake
        ?.route(req, res)
        .catch((error: unknown) => reply(res, 500, { ok: false, description: String(error) }));
    });
    await new Promise<void>((resolve) =>
      server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve),
    );
    const { port } = server.address() as AddressInfo;
    fake = new FakeTelegram(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  // --- what people do -------------------------------------------------------------------------------

  /** A text message from `chatId` (a private chat unless told otherwise). */
  queueText(chatId: number, text: string, options: QueueOptions = {}): Update {
    const entities = text.startsWith('/')
      ? [{ type: 'bot_command' as const, offset: 0, length: text.split(/\s/, 1)[0]?.length ?? 1 }]
      : undefined;
    return this.queueMessage(chatId, options, { text, entities });
  }

  /** A sticker: something the bot cannot read. */
  queueSticker(chatId: number, options: QueueOptions = {}): Update {
    return this.queueMessage(chatId, options, {
      sticker: {
        file_id: 'sticker-file',
        file_unique_id: 'sticker-unique',
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
      },
    });
  }

  /** A document (file_id, file_name, mime_type, file_size) whose bytes getFile and the download route serve. */
  queueDocument(chatId: number, document: FakeDocument, options: QueueOptions = {}): Update {
    const { fileId, fileSize } = this.addFile(document);
    return this.queueMessage(chatId, options, {
      document: {
        file_id: fileId,
        file_unique_id: `unique-${fileId}`,
        file_name: document.fileName,
        mime_type: document.mimeType,
        ...(fileSize === null ? {} : { file_size: fileSize }),
      },
    });
  }

  /** Registers a file to serve; returns its file_id and the size Telegram reports for it. */
  addFile(document: FakeDocument): { fileId: string; fileSize: number | null } {
    const n = this.nextFileId++;
    const fileId = `file-${n}`;
    const extension = /\.[A-Za-z0-9]+$/.exec(document.fileName)?.[0] ?? '';
    const fileSize = document.fileSize === undefined ? document.bytes.byteLength : document.fileSize;
    this.files.set(fileId, {
      path: `documents/file_${n}${extension}`,
      bytes: document.bytes,
      fileSize: fileSize ?? document.bytes.byteLength,
      hideLength: document.hideLength ?? false,
    });
    return { fileId, fileSize };
  }

  /** A tap on an inline keyboard button with this callback_data. */
  queueTap(chatId: number, data: string): Update {
    const update_id = this.nextUpdateId++;
    return this.queue({
      update_id,
      callback_query: {
        id: `cq-${update_id}`,
        from: person(chatId),
        chat_instance: `ci-${chatId}`,
        data,
        message: {
          message_id: this.nextMessageId++,
          date: now(),
          chat: { id: chatId, type: 'private', first_name: `Person ${chatId}` },
          from: BOT,
          text: 'an earlier question',
        },
      },
    });
  }

  /** Queues any update as is (e.g. the same message again, as Telegram does after a lost confirmation). */
  queue(update: Update): Update {
    this.nextUpdateId = Math.max(this.nextUpdateId, update.update_id + 1);
    this.pending.push(update);
    for (const poll of this.polls) this.answerPoll(poll);
    return update;
  }

  /** Queues the same update again under a new update_id. */
  redeliver(update: Update): Update {
    return this.queue({ ...update, update_id: this.nextUpdateId++ });
  }

  /** The next `times` calls of `method` fail with 429 Too Many Requests (retry after 1 s). */
  failWith429(method: string, times = 1): void {
    this.failures.set(method, (this.failures.get(method) ?? 0) + times);
  }

  /**
   * Every send to `chatId` from now on is refused, as Telegram does when she blocked the bot (the default) or
   * the chat does not exist (400, 'Bad Request: chat not found').
   */
  refuseChat(chatId: number, code = 403, description = 'Forbidden: bot was blocked by the user'): void {
    this.refusals.set(chatId, { code, description });
  }

  // --- what the bot did ----------------------------------------------------------------------------

  sentTo(chatId: number): SentMessage[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }

  /** Resolves with everything sent to `chatId` so far, once that is at least `n` messages. */
  waitForMessages(chatId: number, n: number, timeoutMs = 2000): Promise<SentMessage[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const messages = this.sentTo(chatId);
        if (messages.length < n) return false;
        clearTimeout(timer);
        this.waiters.delete(listener);
        resolve(messages);
        return true;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(listener);
        const got = this.sentTo(chatId).map((m) => m.text.slice(0, 60));
        reject(
          new Error(
            `chat ${chatId}: wanted ${n} messages within ${timeoutMs} ms, got ${JSON.stringify(got)}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.waiters.add(listener);
    });
  }

  async close(): Promise<void> {
    for (const poll of this.polls) this.endPoll(poll, []);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // --- the HTTP side -------------------------------------------------------------------------------

  private queueMessage(chatId: number, options: QueueOptions, content: Record<string, unknown>): Update {
    const type = options.chatType ?? 'private';
    const chat =
      type === 'private'
        ? { id: chatId, type, first_name: `Person ${chatId}` }
        : { id: chatId, type, title: 'A group' };
    return this.queue({
      update_id: this.nextUpdateId++,
      message: {
        message_id: options.messageId ?? this.nextMessageId++,
        date: now(),
        chat,
        from: { ...person(options.fromId ?? chatId), language_code: options.languageCode },
        ...content,
      },
    } as Update);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const filePath = /^\/file\/bot[^/]+\/(.+)$/.exec(req.url ?? '')?.[1];
    if (filePath !== undefined) return this.serveFile(decodeURIComponent(filePath), res);
    const method = /^\/bot[^/]+\/(\w+)$/.exec(req.url ?? '')?.[1] ?? '';
    const body = parseBody(req.headers['content-type'] ?? '', await readAll(req));
    this.calls.push({ method, body: body.fields });

    const failures = this.failures.get(method) ?? 0;
    if (failures > 0) {
      this.failures.set(method, failures - 1);
      return reply(res, 429, {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      });
    }
    switch (method) {
      case 'getMe':
        return reply(res, 200, { ok: true, result: BOT });
      case 'deleteWebhook':
      case 'setWebhook':
      case 'setMyCommands':
      case 'answerCallbackQuery':
        return reply(res, 200, { ok: true, result: true });
      case 'getUpdates':
        return this.getUpdates(body.fields, res);
      case 'getFile':
        return this.getFile(String(body.fields.file_id ?? ''), res);
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument': {
        const refusal = this.refusals.get(Number(body.fields.chat_id));
        if (refusal)
          return reply(res, refusal.code, {
            ok: false,
            error_code: refusal.code,
            description: refusal.description,
          });
        return reply(res, 200, { ok: true, result: this.record(method, body) });
      }
      default:
        return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }

  private record(method: SendMethod, { fields, files }: Body): Record<string, unknown> {
    const chatId = Number(fields.chat_id);
    const markup =
      typeof fields.reply_markup === 'string' ? JSON.parse(fields.reply_markup) : fields.reply_markup;
    const fileField = method === 'sendPhoto' ? 'photo' : 'document';
    const attach = String(fields[fileField] ?? '').replace(/^attach:\/\//, '');
    const message: SentMessage = {
      method,
      chatId,
      text: String(fields.text ?? fields.caption ?? ''),
      replyMarkup: markup as SentMessage['replyMarkup'],
      file: files[attach],
      at: performance.now(),
    };
    this.sent.push(message);
    this.onSent?.(message);
    for (const waiter of [...this.waiters]) waiter();
    return {
      message_id: this.nextMessageId++,
      date: now(),
      chat: { id: chatId, type: 'private', first_name: `Person ${chatId}` },
      from: BOT,
      text: message.text,
    };
  }

  private getFile(fileId: string, res: ServerResponse): void {
    const file = this.files.get(fileId);
    if (file)
      reply(res, 200, {
        ok: true,
        result: {
          file_id: fileId,
          file_unique_id: `unique-${fileId}`,
          file_size: file.fileSize,
          file_path: file.path,
        },
      });
    else reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
  }

  /** The download route; streams in 64 KB pieces and stops when the bot hangs up (it may refuse a large file). */
  private async serveFile(path: string, res: ServerResponse): Promise<void> {
    this.fileRequests.push(path);
    const file = [...this.files.values()].find((f) => f.path === path);
    if (!file) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      ...(file.hideLength ? {} : { 'content-length': file.bytes.byteLength }),
    });
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    const piece = 64 * 1024;
    for (let at = 0; at < file.bytes.byteLength; at += piece) {
      if (res.destroyed) return;
      if (!res.write(file.bytes.subarray(at, at + piece)))
        await Promise.race([new Promise((resolve) => res.once('drain', resolve)), closed]);
    }
    res.end();
  }

  /** Long polling: answers at once if updates wait, else holds the request until some come or time is up. */
  private getUpdates(fields: Record<string, unknown>, res: ServerResponse): void {
    const offset = Number(fields.offset ?? 0);
    // Updates below the offset are confirmed: Telegram forgets them.
    while (offset > 0 && (this.pending[0]?.update_id ?? Number.POSITIVE_INFINITY) < offset)
      this.pending.shift();
    const poll: Poll = {
      offset,
      limit: Math.min(100, Math.max(1, Number(fields.limit ?? 100))),
      res,
      timer: setTimeout(() => this.endPoll(poll, []), Number(fields.timeout ?? 0) * 1000),
    };
    this.polls.add(poll);
    res.on('close', () => {
      clearTimeout(poll.timer);
      this.polls.delete(poll);
    });
    this.answerPoll(poll);
  }

  private answerPoll(poll: Poll): void {
    const updates = this.pending.filter((u) => u.update_id >= poll.offset).slice(0, poll.limit);
    if (updates.length > 0) this.endPoll(poll, updates);
  }

  private endPoll(poll: Poll, updates: Update[]): void {
    clearTimeout(poll.timer);
    this.polls.delete(poll);
    const at = performance.now();
    for (const u of updates) if (!this.servedAt.has(u.update_id)) this.servedAt.set(u.update_id, at);
    reply(poll.res, 200, { ok: true, result: updates });
  }
}

const now = (): number => Math.floor(Date.now() / 1000);

const person = (id: number) => ({ id, is_bot: false, first_name: `Person ${id}` });

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseBody(contentType: string, raw: Buffer): Body {
  if (raw.length === 0) return { fields: {}, files: {} };
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/.exec(contentType);
  if (!boundary) return { fields: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, files: {} };
  return parseMultipart(raw, boundary[1] ?? boundary[2] ?? '');
}

/**
 * Just enough multipart/form-data for grammY's uploads. grammY writes `filename=photo.jpg` without quotes,
 * which Node's Request.formData() refuses, hence this.
 */
function parseMultipart(raw: Buffer, boundary: string): Body {
  const body: Body = { fields: {}, files: {} };
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (raw.subarray(partStart, partStart + 2).toString() === '--') break; // the closing delimiter
    const next = raw.indexOf(delimiter, partStart);
    if (next === -1) break;
    const part = raw.subarray(partStart + 2, next - 2); // skip the CRLF after the delimiter and before the next
    const split = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
    const filename = /filename="?([^";\r\n]*)"?/i.exec(headers)?.[1];
    if (filename !== undefined) body.files[name] = { filename, size: content.length };
    else body.fields[name] = content.toString('utf8');
    start = next;
  }
  return body;
}

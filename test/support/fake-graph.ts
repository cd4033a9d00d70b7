import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Meta Graph API (WhatsApp Cloud API) on 127.0.0.1: records the messages the bot sends, takes media
 * uploads, serves media people "sent" (GET /{media-id}, then the download URL) and can fail the next calls with
 * 429 or 500. Point the channel at `fake.apiRoot`.
 */

export interface SentWaMessage {
  to: string;
  type: string;
  /** The whole request body as posted. */
  body: Record<string, unknown>;
  /** The id the fake gave it. */
  id: string;
}

export interface Upload {
  id: string;
  filename: string;
  mime: string;
  size: number;
}

export interface Call {
  method: string;
  path: string;
  status: number;
}

interface Failure {
  status: 400 | 429 | 500;
  retryAfter?: number;
}

const VERSION = 'v23.0';

export class FakeGraph {
  readonly sent: SentWaMessage[] = [];
  readonly uploads: Upload[] = [];
  readonly calls: Call[] = [];
  private readonly media = new Map<string, { bytes: Uint8Array; mime: string }>();
  private readonly failures: Failure[] = [];
  private readonly refusals = new Map<string, number>();
  private nextId = 1;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly token: string,
  ) {}

  get apiRoot(): string {
    return `${this.origin}/${VERSION}`;
  }

  static async start(token = 'test-access-token'): Promise<FakeGraph> {
    let fake: FakeGraph | undefined;
    const server = createServer((req, res) => {
      fake?.route(req, res).catch((error: unknown) => json(res, 500, { error: { message: String(error) } }));
    });
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeGraph(server, `http://127.0.0.1:${port}`, token);
    return fake;
  }

  /** The next `times` calls (any endpoint) fail: 429 (with Retry-After if given), 500, or 400. */
  failNext(times: number, status: 400 | 429 | 500 = 429, retryAfter?: number): void {
    for (let i = 0; i < times; i++) this.failures.push({ status, retryAfter });
  }

  /**
   * Every message to `to` from now on is refused with 400 and this Meta error code (default 131026: not on
   * WhatsApp or undeliverable), with a message that quotes the number, as Meta's details sometimes do.
   */
  refuseRecipient(to: string, code = 131026): void {
    this.refusals.set(to, code);
  }

  /** Media a person sent: served at GET /{id} and its download URL. */
  addMedia(id: string, bytes: Uint8Array, mime = 'application/pdf'): void {
    this.media.set(id, { bytes, mime });
  }

  sentTo(to: string): SentWaMessage[] {
    return this.sent.filter((m) => m.to === to);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const raw = await readAll(req);
    const record = (status: number) =>
      this.calls.push({ method: req.method ?? '', path: url.pathname, status });
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      record(401);
      return json(res, 401, {
        error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 },
      });
    }
    const failure = this.failures.shift();
    if (failure) {
      record(failure.status);
      const headers: Record<string, string> =
        failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
      return json(
        res,
        failure.status,
        {
          error: {
            message: failure.status === 429 ? 'Too many requests' : 'Failed',
            code: failure.status === 429 ? 4 : 1,
          },
        },
        headers,
      );
    }
    const segments = url.pathname.split('/').filter(Boolean);
    if (req.method === 'GET' && segments[0] === 'download' && segments[1]) {
      const media = this.media.get(segments[1]);
      record(media ? 200 : 404);
      if (!media) return json(res, 404, { error: { message: 'not found' } });
      res.writeHead(200, { 'content-type': media.mime, 'content-length': media.bytes.byteLength });
      res.end(Buffer.from(media.bytes));
      return;
    }
    if (segments[0] !== VERSION) {
      record(404);
      return json(res, 404, { error: { message: 'unknown path' } });
    }
    const [, first, second] = segments;
    if (req.method === 'POST' && first && second === 'messages') {
      const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      if (body.messaging_product !== 'whatsapp' || typeof body.to !== 'string') {
        record(400);
        return json(res, 400, { error: { message: 'bad message', code: 100 } });
      }
      const refusal = this.refusals.get(body.to);
      if (refusal !== undefined) {
        record(400);
        return json(res, 400, {
          error: {
            message: `(#${refusal}) Message undeliverable to ${body.to}`,
            type: 'OAuthException',
            code: refusal,
            error_data: { messaging_product: 'whatsapp', details: `Recipient ${body.to} cannot be reached` },
          },
        });
      }
      const id = `wamid.fake-${this.nextId++}`;
      this.sent.push({ to: body.to, type: String(body.type), body, id });
      record(200);
      return json(res, 200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id }],
      });
    }
    if (req.method === 'POST' && first && second === 'media') {
      const form = await new Request(url, {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: new Uint8Array(raw),
      }).formData();
      const file = form.get('file');
      if (form.get('messaging_product') !== 'whatsapp' || !(file instanceof Blob)) {
        record(400);
        return json(res, 400, { error: { message: 'bad upload', code: 100 } });
      }
      const id = `media-up-${this.nextId++}`;
      this.uploads.push({
        id,
        filename: file instanceof File ? file.name : '',
        mime: String(form.get('type') ?? ''),
        size: file.size,
      });
      record(200);
      return json(res, 200, { id });
    }
    if (req.method === 'GET' && first && !second) {
      const media = this.media.get(first);
      record(media ? 200 : 404);
      if (!media) return json(res, 404, { error: { message: 'unknown media', code: 100 } });
      return json(res, 200, {
        messaging_product: 'whatsapp',
        url: `${this.origin}/download/${first}`,
        mime_type: media.mime,
        sha256: 'fake',
        file_size: media.bytes.byteLength,
        id: first,
      });
    }
    record(404);
    return json(res, 404, { error: { message: 'unknown path' } });
  }
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

import { UPLOAD_LIMITS } from '../../content/versions/limits.js';
import type { Logger } from '../../logging/logger.js';
import { DeliveryError } from '../delivery-error.js';
import { DocumentTooLargeError, readLimited } from '../inbound-document.js';

/**
 * A small client for the parts of Meta's Graph API the WhatsApp Cloud channel uses: sending messages, uploading
 * media, and fetching media people send. Rate limits (429) and server errors (5xx) are retried with backoff,
 * honouring Retry-After; other 4xx answers are final (retrying a refused request changes nothing).
 */

export interface RetryOptions {
  /** Tries in all, the first included. Default 5. */
  attempts?: number;
  /** The first backoff delay; doubles each retry (with jitter). Default 500 ms. */
  baseDelayMs?: number;
  /** No single wait is longer, Retry-After included. Default 30 s. */
  maxDelayMs?: number;
}

export interface GraphClientOptions {
  accessToken: string;
  /** e.g. https://graph.facebook.com/v23.0 (no trailing slash needed). */
  apiRoot: string;
  phoneNumberId: string;
  retry?: RetryOptions;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  /** Where attempts tried again are logged ({channel, method, code, status}: never a body, number or text). */
  logger?: Logger;
}

/** The client's calls, as they appear in logs and errors. */
export type GraphMethod = 'sendMessage' | 'uploadMedia' | 'mediaInfo' | 'downloadMedia';

/**
 * Meta's error codes that mean the recipient cannot be reached: not on WhatsApp or undeliverable (131026),
 * more than 24 hours since she wrote (131047), not in the test number's allowed list (131030), the bot's own
 * number (131021), she stopped marketing messages (131050).
 */
const UNREACHABLE = new Set([131026, 131047, 131030, 131021, 131050]);

/**
 * A Graph API request that failed for good. Carries the method, Meta's error code (the HTTP status when Meta
 * gave none) and the status; never the request body nor Meta's message (which may quote it).
 */
export class GraphApiError extends DeliveryError {
  constructor(
    method: GraphMethod,
    readonly status: number,
    readonly graphCode: number | undefined,
  ) {
    const code = graphCode ?? status;
    super(
      'whatsapp-cloud',
      method,
      code,
      UNREACHABLE.has(code),
      `graph api ${method} failed: ${status} (code ${code})`,
    );
    this.name = 'GraphApiError';
  }
}

/** Media larger than allowed; found before (or while) downloading, never after reading it all. */
export class MediaTooLargeError extends DocumentTooLargeError {
  constructor(limit: number) {
    super(null, limit, `media is larger than ${limit} bytes`);
    this.name = 'MediaTooLargeError';
  }
}

export interface MediaInfo {
  url: string;
  mime_type?: string;
  file_size?: number;
}

/** The largest upload a trainer may send (a zip); the channel passes the limit of each document's kind. */
export const DEFAULT_MEDIA_LIMIT = UPLOAD_LIMITS.zipBytes;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const retryable = (status: number) => status === 429 || status >= 500;

export class GraphClient {
  private readonly root: string;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: GraphClientOptions) {
    this.root = options.apiRoot.replace(/\/+$/, '');
    this.attempts = Math.max(1, options.retry?.attempts ?? 5);
    this.baseDelayMs = options.retry?.baseDelayMs ?? 500;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** POST /{phone-number-id}/messages; `message` is everything but messaging_product and to. Returns its id. */
  async sendMessage(to: string, message: Record<string, unknown>): Promise<string | undefined> {
    const response = await this.request('sendMessage', `/${this.options.phoneNumberId}/messages`, () => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message }),
    }));
    const body = (await response.json().catch(() => ({}))) as { messages?: { id?: string }[] };
    return body.messages?.[0]?.id;
  }

  /** POST /{phone-number-id}/media (multipart); returns the media id to send it by. */
  async uploadMedia(data: Uint8Array, mime: string, filename: string): Promise<string> {
    const response = await this.request('uploadMedia', `/${this.options.phoneNumberId}/media`, () => {
      // A new FormData per try: a body stream is used up by the first one.
      const form = new FormData();
      form.append('messaging_product', 'whatsapp');
      form.append('type', mime);
      form.append('file', new Blob([new Uint8Array(data)], { type: mime }), filename);
      return { method: 'POST', body: form };
    });
    const body = (await response.json().catch(() => ({}))) as { id?: unknown };
    if (typeof body.id !== 'string') throw new GraphApiError('uploadMedia', response.status, undefined);
    return body.id;
  }

  /** GET /{media-id}: where to download media someone sent, and what it is. */
  async mediaInfo(mediaId: string): Promise<MediaInfo> {
    const response = await this.request('mediaInfo', `/${encodeURIComponent(mediaId)}`, () => ({
      method: 'GET',
    }));
    const body = (await response.json().catch(() => ({}))) as Partial<MediaInfo>;
    if (typeof body.url !== 'string') throw new GraphApiError('mediaInfo', response.status, undefined);
    return { url: body.url, mime_type: body.mime_type, file_size: body.file_size };
  }

  /** Downloads media someone sent, refusing it as soon as it proves larger than `limit` bytes. */
  async downloadMedia(mediaId: string, limit = DEFAULT_MEDIA_LIMIT): Promise<Uint8Array> {
    const info = await this.mediaInfo(mediaId);
    if (typeof info.file_size === 'number' && info.file_size > limit) throw new MediaTooLargeError(limit);
    const response = await this.request('downloadMedia', info.url, () => ({ method: 'GET' }));
    try {
      return await readLimited(response, limit);
    } catch (error) {
      throw error instanceof DocumentTooLargeError ? new MediaTooLargeError(limit) : error;
    }
  }

  /** One call with retries. `init` is called per try; `path` is under apiRoot unless it is a full URL. */
  private async request(method: GraphMethod, path: string, init: () => RequestInit): Promise<Response> {
    const url = /^https?:\/\//.test(path) ? path : `${this.root}${path}`;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.attempts;
      let response: Response;
      try {
        const request = init();
        response = await fetch(url, {
          ...request,
          headers: { ...(request.headers as Record<string, string>), authorization: `Bearer ${this.token}` },
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        // The network or a timeout: Graph may never have seen it, so it is worth another try.
        const code = (error as { name?: unknown } | null)?.name === 'TimeoutError' ? 'timeout' : 'network';
        if (last) throw new DeliveryError('whatsapp-cloud', method, code, false);
        this.retrying(method, code, undefined, attempt);
        await sleep(this.backoff(attempt));
        continue;
      }
      if (response.ok) return response;
      // Failed for good: the caller logs it (with its own context) from the GraphApiError's safe fields.
      if (!retryable(response.status) || last) throw await this.errorOf(method, response);
      this.retrying(method, response.status, response.status, attempt);
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      await response.body?.cancel();
      await sleep(
        Number.isFinite(retryAfter) && retryAfter >= 0
          ? Math.min(retryAfter * 1000, this.maxDelayMs)
          : this.backoff(attempt),
      );
    }
  }

  private get token(): string {
    return this.options.accessToken;
  }

  private backoff(attempt: number): number {
    const exponential = this.baseDelayMs * 2 ** (attempt - 1);
    return Math.min(this.maxDelayMs, exponential / 2 + Math.random() * (exponential / 2));
  }

  private async errorOf(method: GraphMethod, response: Response): Promise<GraphApiError> {
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: unknown } };
    const code = typeof body.error?.code === 'number' ? body.error.code : undefined;
    return new GraphApiError(method, response.status, code);
  }

  private retrying(
    method: GraphMethod,
    code: string | number,
    status: number | undefined,
    attempt: number,
  ): void {
    this.options.logger?.warn(
      { channel: 'whatsapp-cloud', method, code, status, attempt },
      'graph api call failed; trying again',
    );
  }
}

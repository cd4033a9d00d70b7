import { UPLOAD_LIMITS } from '../content/versions/limits.js';
import type { ChannelName } from '../core/messages.js';
import { isDeliveryError } from './delivery-error.js';

/**
 * What every channel does with a document someone sends: read it only up to the upload limit of its kind, and
 * fail in one of two ways a flow can turn into a polite message (too large, or could not be fetched).
 */

/**
 * The most a channel reads of a document named `name`: a `.zip` may be as large as a zip upload, anything else as
 * large as one content file (other kinds are refused by name later, so reading more of them is never needed).
 */
export function documentLimit(name: string): number {
  return /\.zip$/i.test(name.trim()) ? UPLOAD_LIMITS.zipBytes : UPLOAD_LIMITS.fileBytes;
}

/** A document larger than the channel reads: refused before the download, or as soon as it passes the limit. */
export class DocumentTooLargeError extends Error {
  constructor(
    /** Its size when known (declared by the platform or counted so far), else null. */
    readonly size: number | null,
    readonly limit: number,
    message = size === null
      ? `document is above the limit of ${limit} bytes`
      : `document of ${size} bytes is above the limit of ${limit} bytes`,
  ) {
    super(message);
    this.name = 'DocumentTooLargeError';
  }
}

/**
 * A document that could not be fetched (refused by the platform, expired, the network). Only the channel and a
 * code: never the file name, the sender or a URL (Telegram's download URL holds the bot token), and no `cause`.
 */
export class DocumentFetchError extends Error {
  constructor(
    readonly channel: ChannelName,
    readonly code: string | number,
  ) {
    super(`${channel} could not fetch the document (${code})`);
    this.name = 'DocumentFetchError';
  }
}

/** Any failure of a download as one of the two errors above, keeping only what is safe to log. */
export function fetchFailure(channel: ChannelName, error: unknown): Error {
  if (error instanceof DocumentTooLargeError || error instanceof DocumentFetchError) return error;
  if (isDeliveryError(error)) return new DocumentFetchError(channel, error.code);
  const name = (error as { name?: unknown } | null)?.name;
  return new DocumentFetchError(channel, name === 'TimeoutError' ? 'timeout' : 'failed');
}

/**
 * Reads a response body into memory, refusing it as soon as it proves larger than `limit` bytes: the declared
 * length first, then the bytes counted as they stream in (a server may declare nothing, or less than it sends).
 */
export async function readLimited(response: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await response.body?.cancel();
    throw new DocumentTooLargeError(declared, limit);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new DocumentTooLargeError(null, limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

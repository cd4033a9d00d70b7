import type { Context } from 'grammy';
import type { InboundPayload, UnsupportedKind } from '../../core/messages.js';
import { DocumentTooLargeError, documentLimit } from '../inbound-document.js';

/** Downloads a file by its id, reading at most `limit` bytes (DocumentTooLargeError past it). */
export type FileReader = (fileId: string, limit: number) => Promise<Uint8Array>;

/** Turns a Telegram message into a channel-neutral payload; null for updates the bot ignores. */
export function payloadOf(ctx: Context, readFile: FileReader): InboundPayload | null {
  const message = ctx.message;
  if (!message) return null;
  if (message.text !== undefined) return { kind: 'text', text: message.text };
  if (message.document) {
    const { file_id, file_name, mime_type, file_size } = message.document;
    const name = file_name ?? 'document';
    const limit = documentLimit(name);
    return {
      kind: 'document',
      name,
      mime: mime_type ?? 'application/octet-stream',
      size: file_size ?? 0,
      // Refused before any call to Telegram when it already said the file is too large.
      read: async () => {
        if (file_size !== undefined && file_size > limit) throw new DocumentTooLargeError(file_size, limit);
        return readFile(file_id, limit);
      },
    };
  }
  const unsupported: [keyof typeof message, UnsupportedKind][] = [
    ['sticker', 'sticker'],
    ['photo', 'photo'],
    ['voice', 'voice'],
    ['audio', 'audio'],
    ['video', 'video'],
    ['video_note', 'video'],
    ['animation', 'video'],
    ['location', 'location'],
    ['contact', 'contact'],
  ];
  for (const [field, what] of unsupported)
    if (message[field] !== undefined) return { kind: 'unsupported', what };
  // Service messages (pinned, members joined...) are not from a person talking to us.
  if (message.caption !== undefined || message.poll || message.dice)
    return { kind: 'unsupported', what: 'other' };
  return null;
}

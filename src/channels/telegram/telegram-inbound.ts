import type { Context } from 'grammy';
import type { InboundPayload, UnsupportedKind } from '../../core/messages.js';

export type FileReader = (fileId: string) => Promise<Uint8Array>;

/** Turns a Telegram message into a channel-neutral payload; null for updates the bot ignores. */
export function payloadOf(ctx: Context, readFile: FileReader): InboundPayload | null {
  const message = ctx.message;
  if (!message) return null;
  if (message.text !== undefined) return { kind: 'text', text: message.text };
  if (message.document) {
    const { file_id, file_name, mime_type, file_size } = message.document;
    return {
      kind: 'document',
      name: file_name ?? 'document',
      mime: mime_type ?? 'application/octet-stream',
      size: file_size ?? 0,
      read: () => readFile(file_id),
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

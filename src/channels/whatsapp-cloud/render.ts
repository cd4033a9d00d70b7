import { basename, extname } from 'node:path';
import { assertNever } from '../../core/assert-never.js';
import type { Choice, OutMessage } from '../../core/messages.js';
import { type ChoicesMessage, renderChoices as numberedText } from '../text/render.js';
import { splitText } from '../text/split.js';

/** Meta's limits for Cloud API messages (characters). */
export const WA_LIMITS = {
  text: 4096,
  body: 1024,
  caption: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listRows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  listButton: 20,
  sectionTitle: 24,
} as const;

/** A Graph message payload without messaging_product and to (the client adds them). */
export type GraphMessage = Record<string, unknown>;

/** What to send: a message as is, or a file to upload first and then send by its media id. */
export type WaPart =
  | { kind: 'message'; message: GraphMessage }
  | {
      kind: 'media';
      type: 'image' | 'document';
      path: string;
      mime: string;
      filename: string;
      caption?: string;
    };

/** Cuts to at most `max` UTF-16 units (what Meta counts, at worst), never inside a surrogate pair, with "…". */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out.trimEnd()}…`;
}

const textMessage = (body: string): GraphMessage => ({ type: 'text', text: { body, preview_url: false } });

/**
 * A long question text: everything but its last part goes ahead as plain text, and the last part (at most
 * `limit`) becomes the body of the interactive message.
 */
function splitBody(text: string, limit: number): { ahead: GraphMessage[]; body: string } {
  const parts = splitText(text, limit);
  const body = parts.at(-1) ?? '';
  const rest = text.slice(0, Math.max(0, text.lastIndexOf(body))).trimEnd();
  const ahead = rest === '' ? [] : splitText(rest, WA_LIMITS.text).map(textMessage);
  return { ahead, body: body === '' ? '…' : body };
}

const fits = (choices: Choice[]) =>
  choices.length >= 1 &&
  choices.length <= WA_LIMITS.buttons &&
  choices.every((c) => c.label.trim() !== '' && c.label.length <= WA_LIMITS.buttonTitle) &&
  choices.every((c) => c.id.length <= WA_LIMITS.buttonId);

function renderChoices(message: ChoicesMessage): WaPart[] {
  const { text, choices, multiple } = message;
  if (!multiple && fits(choices)) {
    const { ahead, body } = splitBody(text, WA_LIMITS.body);
    return [
      ...ahead,
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: body },
          action: {
            buttons: choices.map((c) => ({ type: 'reply', reply: { id: c.id, title: c.label } })),
          },
        },
      },
    ].map((message) => ({ kind: 'message', message }));
  }
  if (choices.length === 0 || choices.some((c) => c.id.length > WA_LIMITS.rowId)) {
    // Nothing a list can carry: the shared numbered menu, answered by typing the number (every channel takes it).
    return numberedText(message, WA_LIMITS.text).map((part) => ({
      kind: 'message',
      message: textMessage(part),
    }));
  }
  return renderLists(message);
}

/**
 * A list per 10 choices ("1/2", "2/2" in the body when there are several). For several answers the rows are
 * numbered (unless the labels carry their own numbers) and the engine's hint says the numbers can be typed:
 * tapping rows one at a time and then "Done" works too.
 */
function renderLists(message: ChoicesMessage): WaPart[] {
  const { text, choices, multiple } = message;
  const chunks: Choice[][] = [];
  for (let i = 0; i < choices.length; i += WA_LIMITS.listRows)
    chunks.push(choices.slice(i, i + WA_LIMITS.listRows));
  const count = chunks.length;
  const hint = multiple && message.hint ? `\n\n${message.hint}` : '';
  const firstSuffix = `${hint}${count > 1 ? `\n(1/${count})` : ''}`;
  const { ahead, body: firstBody } = splitBody(text, WA_LIMITS.body - firstSuffix.length);
  // Later lists repeat the question (the last line of the text, usually) so each stands on its own.
  const heading = clip(
    firstBody
      .split('\n')
      .filter((line) => line.trim() !== '')
      .at(-1) ?? '',
    60,
  );
  const parts: WaPart[] = ahead.map((message) => ({ kind: 'message', message }));
  let position = 0;
  chunks.forEach((chunk, index) => {
    const first = position + 1;
    const rows = chunk.map((choice) => {
      position++;
      const label = multiple && !message.labelsNumbered ? `${position}. ${choice.label}` : choice.label;
      const title = clip(label.trim() === '' ? String(position) : label, WA_LIMITS.rowTitle);
      return title === label
        ? { id: choice.id, title }
        : { id: choice.id, title, description: clip(choice.label, WA_LIMITS.rowDescription) };
    });
    const body = index === 0 ? `${firstBody}${firstSuffix}` : `${heading} (${index + 1}/${count})`;
    // The button opens the list; numbers say which rows it holds, in every language.
    const button = clip(first === position ? `☰ ${first}` : `☰ ${first}–${position}`, WA_LIMITS.listButton);
    parts.push({
      kind: 'message',
      message: {
        type: 'interactive',
        interactive: { type: 'list', body: { text: body }, action: { button, sections: [{ rows }] } },
      },
    });
  });
  return parts;
}

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

export const mimeOf = (path: string): string =>
  MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';

function renderMedia(type: 'image' | 'document', path: string, caption: string | undefined): WaPart[] {
  const part: WaPart = { kind: 'media', type, path, mime: mimeOf(path), filename: basename(path) };
  if (!caption) return [part];
  if (caption.length <= WA_LIMITS.caption) return [{ ...part, caption }];
  // A caption too long for the file goes after it as text.
  return [
    part,
    ...splitText(caption, WA_LIMITS.text).map((t) => ({ kind: 'message' as const, message: textMessage(t) })),
  ];
}

/** Neutral outputs -> Cloud API messages, each within Meta's limits. */
export function renderWhatsapp(messages: OutMessage[]): WaPart[] {
  const parts: WaPart[] = [];
  for (const message of messages) {
    switch (message.type) {
      case 'text':
        for (const part of splitText(message.text, WA_LIMITS.text))
          parts.push({ kind: 'message', message: textMessage(part) });
        break;
      case 'choices':
        parts.push(...renderChoices(message));
        break;
      case 'image':
      case 'document':
        parts.push(...renderMedia(message.type, message.path, message.caption));
        break;
      default:
        return assertNever(message);
    }
  }
  return parts;
}

/** The media message for an uploaded file. */
export function mediaMessage(part: Extract<WaPart, { kind: 'media' }>, mediaId: string): GraphMessage {
  const media: Record<string, string> = { id: mediaId };
  if (part.caption) media.caption = part.caption;
  if (part.type === 'document') media.filename = part.filename;
  return { type: part.type, [part.type]: media };
}

/**
 * Template parameters may hold no line breaks, tabs or more than 4 spaces in a row (Meta refuses them), and a
 * template body is at most 1024 characters.
 */
export function templateText(texts: string[]): string {
  const flat = texts
    .map((t) => t.replace(/\s+/g, ' ').trim())
    .filter((t) => t !== '')
    .join(' · ');
  return clip(flat === '' ? '…' : flat, WA_LIMITS.body);
}

/** The text a message carries, for a template when the 24-hour window is closed. */
export function textOf(message: OutMessage): string {
  switch (message.type) {
    case 'text':
    case 'choices':
      return message.text;
    case 'image':
    case 'document':
      return message.caption ?? '';
    default:
      return assertNever(message);
  }
}

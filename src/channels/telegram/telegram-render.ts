import { type Api, InlineKeyboard, InputFile } from 'grammy';
import { assertNever } from '../../core/assert-never.js';
import type { OutMessage } from '../../core/messages.js';

/** Telegram's limit for one text message. */
export const TELEGRAM_TEXT_LIMIT = 4096;
const BUTTON_TEXT_LIMIT = 60;

/** Splits a long text at paragraph or line breaks where possible, never above the limit. */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const cut = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const at = cut > limit / 2 ? cut : limit;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

const shorten = (label: string): string =>
  label.length > BUTTON_TEXT_LIMIT ? `${label.slice(0, BUTTON_TEXT_LIMIT - 1)}…` : label;

/** Sends neutral outputs as Telegram messages: choices become an inline keyboard, one button per row. */
export async function renderTelegram(
  api: Api,
  chatId: number | string,
  messages: OutMessage[],
): Promise<void> {
  for (const message of messages) {
    switch (message.type) {
      case 'text':
        for (const part of splitText(message.text)) await api.sendMessage(chatId, part);
        break;
      case 'choices': {
        const keyboard = new InlineKeyboard();
        for (const choice of message.choices) keyboard.text(shorten(choice.label), choice.id).row();
        const parts = splitText(message.text);
        for (const part of parts.slice(0, -1)) await api.sendMessage(chatId, part);
        await api.sendMessage(chatId, parts.at(-1) ?? '', { reply_markup: keyboard });
        break;
      }
      case 'image':
        await api.sendPhoto(chatId, new InputFile(message.path), { caption: message.caption });
        break;
      case 'document':
        await api.sendDocument(chatId, new InputFile(message.path), { caption: message.caption });
        break;
      default:
        return assertNever(message);
    }
  }
}

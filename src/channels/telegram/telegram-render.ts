import { type Api, InlineKeyboard, InputFile } from 'grammy';
import { assertNever } from '../../core/assert-never.js';
import type { Choice, OutMessage } from '../../core/messages.js';
import { coalesce } from '../text/coalesce.js';
import { TELEGRAM_LIMITS, utf8Bytes } from '../text/limits.js';
import { type ChoicesMessage, renderChoices } from '../text/render.js';
import { splitText } from '../text/split.js';

/** Telegram's limit for one text message. */
export const TELEGRAM_TEXT_LIMIT = TELEGRAM_LIMITS.text;

const shorten = (label: string): string =>
  label.length > TELEGRAM_LIMITS.buttonText ? `${label.slice(0, TELEGRAM_LIMITS.buttonText - 1)}…` : label;

/** Whether the choices can be buttons: Telegram refuses callback data above 64 bytes. */
const fitButtons = (choices: Choice[]): boolean =>
  choices.length > 0 && choices.every((c) => utf8Bytes(c.id) <= TELEGRAM_LIMITS.callbackDataBytes);

/**
 * Sends neutral outputs as Telegram messages, texts joined with the question that follows them where they fit:
 * choices become an inline keyboard, one button per row (or, when
 * an id is too long for a button, the shared numbered menu, answered by typing the number). Rejects with a
 * DeliveryError at the first call that fails (see telegram-failures.ts).
 */
export async function renderTelegram(
  api: Api,
  chatId: number | string,
  messages: OutMessage[],
): Promise<void> {
  const texts = async (parts: string[]) => {
    for (const part of parts) await api.sendMessage(chatId, part);
  };
  for (const message of coalesce(messages, TELEGRAM_LIMITS.text)) {
    switch (message.type) {
      case 'text':
        await texts(splitText(message.text, TELEGRAM_LIMITS.text));
        break;
      case 'choices':
        await sendChoices(api, chatId, message);
        break;
      case 'image':
      case 'document': {
        const { caption } = message;
        const fits = caption === undefined || caption.length <= TELEGRAM_LIMITS.caption;
        const file = new InputFile(message.path);
        const options = fits ? { caption } : {};
        if (message.type === 'image') await api.sendPhoto(chatId, file, options);
        else await api.sendDocument(chatId, file, options);
        // A caption too long for the file goes after it as text.
        if (!fits && caption) await texts(splitText(caption, TELEGRAM_LIMITS.text));
        break;
      }
      default:
        return assertNever(message);
    }
  }
}

async function sendChoices(api: Api, chatId: number | string, message: ChoicesMessage): Promise<void> {
  if (!fitButtons(message.choices)) {
    for (const part of renderChoices(message, TELEGRAM_LIMITS.text)) await api.sendMessage(chatId, part);
    return;
  }
  const keyboard = new InlineKeyboard();
  for (const choice of message.choices) keyboard.text(shorten(choice.label), choice.id).row();
  const parts = splitText(message.text, TELEGRAM_LIMITS.text);
  for (const part of parts.slice(0, -1)) await api.sendMessage(chatId, part);
  await api.sendMessage(chatId, parts.at(-1) ?? '', { reply_markup: keyboard });
}

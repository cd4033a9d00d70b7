/** Size limits of the text channels (UTF-16 units, what JavaScript's length counts, unless said otherwise). */

export const TELEGRAM_LIMITS = {
  /** One text message. */
  text: 4096,
  /** The caption of a photo or document. */
  caption: 1024,
  /** callback_data of an inline button, in bytes (UTF-8). */
  callbackDataBytes: 64,
  /** Button labels are cut here (Telegram shows about this much on a phone). */
  buttonText: 60,
} as const;

/** WhatsApp (whatsapp-web.js; the Cloud API's own limits for buttons and lists are in whatsapp-cloud/render.ts). */
export const WHATSAPP_LIMITS = {
  text: 4096,
  caption: 1024,
} as const;

/** The terminal: no limit. */
export const CLI_LIMITS = {
  text: Number.POSITIVE_INFINITY,
} as const;

export interface TextLimits {
  /** The longest text sent as one message. */
  text: number;
  /** The longest caption of a file; a longer one is sent as text after the file. No value: no limit. */
  caption?: number;
}

/** Bytes of a string in UTF-8 (Telegram counts callback data that way). */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

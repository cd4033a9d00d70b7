/** The channel-neutral shapes that flow between channels and the engine. */

export const CHANNELS = ['telegram', 'webchat', 'cli', 'whatsapp-web', 'whatsapp-cloud'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** Where a message comes from or goes to: one chat on one channel. */
export interface Address {
  channel: ChannelName;
  ref: string;
}

export const addressKey = (a: Address): string => `${a.channel}:${a.ref}`;

export type UnsupportedKind =
  | 'sticker'
  | 'photo'
  | 'voice'
  | 'audio'
  | 'video'
  | 'location'
  | 'contact'
  | 'other';

export type InboundPayload =
  | { kind: 'text'; text: string }
  | { kind: 'choice'; id: string }
  | { kind: 'document'; name: string; mime: string; size: number; read: () => Promise<Uint8Array> }
  | { kind: 'unsupported'; what: UnsupportedKind };

export interface Inbound extends Address {
  /** The channel's own id of the message; a redelivery with the same id is handled once. */
  messageId?: string;
  at: Date;
  payload: InboundPayload;
  /** The language the channel reports for the sender (e.g. Telegram's language_code), used before she picks one. */
  langHint?: string;
}

export interface Choice {
  id: string;
  label: string;
}

export type OutMessage =
  | { type: 'text'; text: string }
  | {
      type: 'choices';
      text: string;
      choices: Choice[];
      multiple: boolean;
      /** Labels start with their own number ("0 Not at all"): text channels must not number them again. */
      labelsNumbered?: true;
      /** For several answers: how to type them ("type the numbers, e.g. 1, 3"), in the person's language. Text
       * channels show it; channels with buttons may leave it out. */
      hint?: string;
    }
  | { type: 'image'; path: string; caption?: string }
  | { type: 'document'; path: string; caption?: string };

/** A message the bot starts itself, for a person other than (or as well as) the sender. */
export interface Push {
  userId: string;
  message: OutMessage;
}

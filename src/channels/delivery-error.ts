import type { ChannelName } from '../core/messages.js';

/**
 * A channel could not deliver a message. It carries only facts that are safe to log and to act on: which
 * channel, which API method, the platform's error code, and whether the recipient cannot be reached at all.
 * Never the payload, the text, a chat id or a phone number (and no `cause`, which a logger would serialise).
 */
export class DeliveryError extends Error {
  constructor(
    readonly channel: ChannelName,
    /** The API call that failed, e.g. 'sendMessage'. */
    readonly method: string,
    /** The platform's error code (Telegram 403, Graph 131047...) or our own word ('network', 'not-connected'). */
    readonly code: string | number,
    /**
     * The recipient cannot be reached this way (she blocked the bot, the chat does not exist, the number is not on
     * WhatsApp, she has not written in 24 hours): trying again later will not help. False for rate limits, server
     * errors, the network.
     */
    readonly permanent: boolean,
    /** A safe, fixed description; by default one made of the fields above. */
    detail?: string,
  ) {
    super(detail ?? `${channel} ${method} failed (${code})${permanent ? ': recipient unreachable' : ''}`);
    this.name = 'DeliveryError';
  }
}

export const isDeliveryError = (error: unknown): error is DeliveryError => error instanceof DeliveryError;

/** What a log line about a failed API call may carry. */
export function failureFields(error: DeliveryError): {
  channel: ChannelName;
  method: string;
  code: string | number;
  permanent: boolean;
} {
  return { channel: error.channel, method: error.method, code: error.code, permanent: error.permanent };
}

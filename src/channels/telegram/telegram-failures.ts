import type { Transformer } from 'grammy';
import { DeliveryError } from '../delivery-error.js';

/** Telegram's answers that mean the person cannot be reached (blocked, deleted, never started the bot...). */
const UNREACHABLE =
  /chat not found|user not found|peer_id_invalid|user is deactivated|bot was blocked|bot was kicked|can't initiate|not enough rights to send|have no rights to send/i;

/** A refused Telegram call as a DeliveryError: the method and error code, never the payload or description. */
export function telegramFailure(method: string, errorCode: number, description: string): DeliveryError {
  const permanent = errorCode === 403 || (errorCode === 400 && UNREACHABLE.test(description));
  return new DeliveryError('telegram', method, errorCode, permanent);
}

export interface FailureReport {
  failure: DeliveryError;
  /** The chat the call was for, if any (to pseudonymise: never log it as it is). */
  chatId: string | undefined;
}

/**
 * The outermost API transformer (install it after auto-retry): a call that still fails after the retries is
 * reported and thrown as a DeliveryError, so grammY's GrammyError, which carries the whole payload (the text
 * of an alert, the chat id), never reaches a log or a caller. getUpdates is left alone: the runner reads its
 * error codes (401, 409) to know when to stop.
 */
export function deliveryErrors(report: (r: FailureReport) => void): Transformer {
  return async (prev, method, payload, signal) => {
    let result: Awaited<ReturnType<typeof prev>>;
    try {
      result = await prev(method, payload, signal);
    } catch (error) {
      if (method === 'getUpdates' || signal?.aborted) throw error;
      // grammY's HttpError: the network, a timeout, or a file to upload that could not be read.
      const inner = (error as { error?: { code?: unknown } } | null)?.error?.code;
      const code = typeof inner === 'string' && /^[A-Z][A-Z0-9_]*$/.test(inner) ? inner : 'network';
      const failure = new DeliveryError('telegram', method, code, false);
      report({ failure, chatId: chatOf(payload) });
      throw failure;
    }
    if (result.ok || method === 'getUpdates') return result;
    const failure = telegramFailure(method, result.error_code, result.description);
    report({ failure, chatId: chatOf(payload) });
    throw failure;
  };
}

/**
 * An inner transformer (install it before auto-retry): every refused attempt, including those auto-retry will
 * try again (429, 5xx), as a debug line with the method and code only.
 */
export function attemptFailures(report: (method: string, code: number) => void): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (!result.ok && method !== 'getUpdates') report(method, result.error_code);
    return result;
  };
}

function chatOf(payload: unknown): string | undefined {
  const chat = (payload as { chat_id?: unknown } | undefined)?.chat_id;
  return typeof chat === 'number' || typeof chat === 'string' ? String(chat) : undefined;
}

/** The safe facts of an error grammY or the runner threw (a GrammyError carries its payload: leave it out). */
export function safeTelegramError(error: unknown): Record<string, unknown> {
  if (error instanceof DeliveryError)
    return { channel: error.channel, method: error.method, code: error.code, permanent: error.permanent };
  if (error !== null && typeof error === 'object' && 'method' in error) {
    const e = error as { method?: unknown; error_code?: unknown; name?: unknown };
    return { channel: 'telegram', method: String(e.method), code: e.error_code ?? String(e.name) };
  }
  return { err: error };
}

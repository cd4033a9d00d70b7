import type { DeliveryOutcome } from './delivery.js';

/**
 * How long to wait before each new try of a push that failed only for now (a rate limit, a server error, the
 * network): three more tries over about two minutes. A push someone is waiting to hear about (an emergency alert)
 * is worth that; a blocked bot or a missing channel is not retried (it will not get better by waiting).
 */
export const RETRY_DELAYS_MS: readonly number[] = [10_000, 30_000, 80_000];

/** Waits `ms`, or less when the app is shutting down (`signal` aborted): then the last try is made at once. */
export type Wait = (ms: number, signal: AbortSignal) => Promise<void>;

export const realWait: Wait = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref?.();
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/**
 * Tries `once` until it is sent, fails for good, or the delays run out; every channel tried is kept, in order,
 * so the caller can say (and record) what became of each try. After shutdown has begun, no more waiting: one
 * last try at once, then the outcome.
 */
export async function deliverWithRetry(
  once: () => Promise<DeliveryOutcome>,
  first: DeliveryOutcome,
  options: { delaysMs?: readonly number[]; wait: Wait; signal: AbortSignal },
): Promise<DeliveryOutcome> {
  let outcome = first;
  const attempts = [...first.attempts];
  for (const delay of options.delaysMs ?? RETRY_DELAYS_MS) {
    if (outcome.status === 'sent' || outcome.reason !== 'temporary') break;
    const stopping = options.signal.aborted;
    await options.wait(delay, options.signal);
    outcome = await once();
    attempts.push(...outcome.attempts);
    if (stopping) break;
  }
  return { ...outcome, attempts };
}

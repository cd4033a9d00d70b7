import type { PendingPush } from '../core/context.js';
import type { Engine } from '../core/engine.js';
import { safeError } from '../core/safe-error.js';
import type { Logger } from '../logging/logger.js';
import type { Delivery, DeliveryOutcome } from './delivery.js';
import { deliverWithRetry, realWait, type Wait } from './delivery-retry.js';

/** Reports answered by pushes that ask for a report, answered by pushes...: how many levels at most. */
const MAX_DEPTH = 2;

/**
 * Delivers what a message produced for other people, in the background and in order per sender, and tells the
 * sending flow what became of each push that asked for a report (the flow may answer the sender: "your supervisor
 * has been told", or "could not be reached: call her"). A push that asked for a report is retried when it failed
 * only for now, before its report, without holding up anything else.
 */
export class PushDelivery {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly tails = new Map<string, Promise<void>>();

  private readonly stopping = new AbortController();

  constructor(
    private readonly engine: Engine,
    private readonly delivery: Delivery,
    private readonly logger: Logger,
    private readonly options: { wait?: Wait; delaysMs?: readonly number[] } = {},
  ) {}

  /** Hands pushes on; returns at once. `from` is the sender's address. */
  run(from: string, pushes: PendingPush[]): void {
    const previous = this.tails.get(from) ?? Promise.resolve();
    // setImmediate: the channel sends her replies first (it continues as soon as receive() resolves).
    const work = previous
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.deliver(from, pushes))
      .catch((error: unknown) => this.logger.error({ err: safeError(error) }, 'push delivery failed'));
    this.tails.set(from, work);
    this.inFlight.add(work);
    void work.then(() => {
      this.inFlight.delete(work);
      if (this.tails.get(from) === work) this.tails.delete(from);
    });
  }

  /** Resolves when everything handed on so far is done (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Ends the waits between retries (shutdown): each push still being retried gets one last try and its report. */
  stop(): void {
    this.stopping.abort();
  }

  /**
   * Delivers `pushes`; tells each sending flow what became of its push. A push the flow wants to hear about that
   * failed only for now is retried in the background (never holding up later messages), then reported. What the
   * flows answer is delivered the same way: word to the sender, and pushes that ask for a report themselves (an
   * admin alerted when the supervisor could not be), up to MAX_DEPTH levels (no loops).
   */
  private async deliver(from: string, pushes: PendingPush[], depth = 0): Promise<void> {
    const outcomes = await this.delivery.deliver(pushes);
    const followUps: PendingPush[] = [];
    for (const [i, push] of pushes.entries()) {
      const outcome = outcomes[i];
      if (!push.report || !outcome) continue;
      if (outcome.status === 'failed' && outcome.reason === 'temporary') {
        this.background(async () => {
          const final = await deliverWithRetry(() => this.deliverOne(push), outcome, {
            delaysMs: this.options.delaysMs,
            wait: this.options.wait ?? realWait,
            signal: this.stopping.signal,
          });
          await this.answer(from, await this.report(from, push, final), depth);
        });
        continue;
      }
      followUps.push(...(await this.report(from, push, outcome)));
    }
    await this.answer(from, followUps, depth);
  }

  private async deliverOne(push: PendingPush): Promise<DeliveryOutcome> {
    const [outcome] = await this.delivery.deliver([push]);
    return outcome ?? { status: 'failed', reason: 'unreachable', attempts: [] };
  }

  private async report(from: string, push: PendingPush, outcome: DeliveryOutcome): Promise<PendingPush[]> {
    if (!push.report) return [];
    const { flow, tag, data } = push.report;
    const result = await this.engine.report(from, flow, {
      tag,
      ...(data ? { data } : {}),
      status: outcome.status,
      ...(outcome.status === 'failed' ? { reason: outcome.reason } : {}),
      attempts: outcome.attempts,
    });
    return result.pushes;
  }

  private async answer(from: string, followUps: PendingPush[], depth: number): Promise<void> {
    if (followUps.length === 0) return;
    const next =
      depth + 1 >= MAX_DEPTH ? followUps.map(({ userId, message }) => ({ userId, message })) : followUps;
    await this.deliver(from, next, depth + 1);
  }

  /** Work that must not hold up this sender's later pushes (retries over minutes); `settled()` still waits for it. */
  private background(task: () => Promise<void>): void {
    const work = task().catch((error: unknown) =>
      this.logger.error({ err: safeError(error) }, 'push retry failed'),
    );
    this.inFlight.add(work);
    void work.then(() => this.inFlight.delete(work));
  }
}

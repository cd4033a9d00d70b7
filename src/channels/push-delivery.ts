import type { PendingPush } from '../core/context.js';
import type { Engine } from '../core/engine.js';
import { safeError } from '../core/safe-error.js';
import type { Logger } from '../logging/logger.js';
import type { Delivery } from './delivery.js';

/**
 * Delivers what a message produced for other people, in the background and in order per sender, and tells the
 * sending flow what became of each push that asked for a report (the flow may answer the sender: "your supervisor
 * has been told", or "could not be reached: call her").
 */
export class PushDelivery {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly engine: Engine,
    private readonly delivery: Delivery,
    private readonly logger: Logger,
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

  private async deliver(from: string, pushes: PendingPush[]): Promise<void> {
    const outcomes = await this.delivery.deliver(pushes);
    const followUps: PendingPush[] = [];
    for (const [i, push] of pushes.entries()) {
      const outcome = outcomes[i];
      if (!push.report || !outcome) continue;
      const { flow, tag, data } = push.report;
      const result = await this.engine.report(from, flow, {
        tag,
        ...(data ? { data } : {}),
        status: outcome.status,
        ...(outcome.status === 'failed' ? { reason: outcome.reason } : {}),
      });
      followUps.push(...result.pushes);
    }
    // What the flow said about the outcome goes to the sender (no report on these: no loops).
    if (followUps.length > 0) {
      await this.delivery.deliver(followUps.map(({ userId, message }) => ({ userId, message })));
    }
  }
}

import { describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from '../../src/channels/delivery.js';
import { deliverWithRetry, RETRY_DELAYS_MS } from '../../src/channels/delivery-retry.js';

const temporary: DeliveryOutcome = {
  status: 'failed',
  reason: 'temporary',
  attempts: [{ channel: 'telegram', status: 'failed', reason: 'temporary' }],
};
const sent: DeliveryOutcome = {
  status: 'sent',
  channel: 'telegram',
  attempts: [{ channel: 'telegram', status: 'sent' }],
};
const blocked: DeliveryOutcome = {
  status: 'failed',
  reason: 'unreachable',
  attempts: [{ channel: 'telegram', status: 'failed', reason: 'unreachable' }],
};

function run(results: DeliveryOutcome[], first: DeliveryOutcome, signal = new AbortController().signal) {
  const waited: number[] = [];
  const once = async () => results.shift() ?? temporary;
  const wait = async (ms: number) => {
    waited.push(ms);
  };
  return deliverWithRetry(once, first, { wait, signal }).then((outcome) => ({ outcome, waited }));
}

describe('retrying a push that failed for now', () => {
  it('waits, tries again and keeps every try', async () => {
    const { outcome, waited } = await run([sent], temporary);
    expect(outcome.status).toBe('sent');
    expect(outcome.attempts.map((a) => a.status)).toEqual(['failed', 'sent']);
    expect(waited).toEqual([RETRY_DELAYS_MS[0]]);
  });

  it('gives up after a few tries over about two minutes', async () => {
    const { outcome, waited } = await run([], temporary);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'temporary' });
    expect(outcome.attempts).toHaveLength(1 + RETRY_DELAYS_MS.length);
    const total = waited.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(60_000);
    expect(total).toBeLessThanOrEqual(180_000);
  });

  it('does not retry what waiting will not mend, nor what was sent', async () => {
    expect((await run([sent], blocked)).waited).toEqual([]);
    expect((await run([], sent)).waited).toEqual([]);
  });

  it('at shutdown makes one last try at once', async () => {
    const stop = new AbortController();
    stop.abort();
    const { outcome } = await run([temporary, sent], temporary, stop.signal);
    expect(outcome.attempts).toHaveLength(2);
  });
});

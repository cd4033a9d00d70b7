import { describe, expect, it } from 'vitest';
import {
  cleanVoidReason,
  voidableScreenings,
  voidMistakenScreening,
} from '../../src/clients/void-screening.js';
import { client, openWorld, referral, screening, user } from './world.js';

const at = new Date('2026-11-05T09:00:00.000Z');

describe('voiding a mistaken screening', () => {
  it('needs a reason of a few words', () => {
    expect(cleanVoidReason(' no ')).toBeNull();
    expect(cleanVoidReason(' wrong client ')).toBe('wrong client');
    expect(cleanVoidReason('x'.repeat(300))).toHaveLength(200);
  });

  it('voids her own client’s screening, cancels its open follow-up, and keeps the original', async () => {
    const world = await openWorld();
    const own = client('c1', 'm1', 't1');
    await world.unit(async (unit, records) => {
      await unit.clients.put(own);
      await records.addScreening(screening('s1', 'c1', '2026-11-01T10:00:00.000Z'));
      await records.addReferralEvent(referral('r1', 'c1', '2026-11-15T10:00:00.000Z'));
    });
    const attempt = (actor: ReturnType<typeof user>, screeningId: string, reason: string) =>
      world.unit((_unit, records) =>
        voidMistakenScreening(records, { actor, client: own, screeningId, reason, at, id: world.newId() }),
      );
    expect(await attempt(user('m2', 'mentor', 't1'), 's1', 'wrong client')).toEqual({
      kind: 'refused',
      reason: 'not-allowed',
    });
    expect(await attempt(user('m1', 'mentor', 't1'), 's1', 'no')).toEqual({
      kind: 'refused',
      reason: 'no-reason',
    });
    expect(await attempt(user('m1', 'mentor', 't1'), 'other', 'wrong client')).toEqual({
      kind: 'refused',
      reason: 'not-voidable',
    });
    expect(await attempt(user('m1', 'mentor', 't1'), 's1', 'wrong client')).toEqual({ kind: 'voided' });
    expect(await attempt(user('m1', 'mentor', 't1'), 's1', 'again')).toEqual({
      kind: 'refused',
      reason: 'not-voidable',
    });
    expect(voidableScreenings(world.records.index, 'c1')).toEqual([]);
    expect(world.records.index.history('c1')).toHaveLength(1);
    expect(world.records.index.followUp('r1')?.status).toBe('closed');
    expect(await world.audit('screening.voided')).toHaveLength(1);
    await world.close();
  });
});

import { describe, expect, it } from 'vitest';
import {
  ALL_OUTCOMES,
  asksForNote,
  cleanNote,
  closesFollowUp,
  nextDueAt,
  outcomeChoices,
  recordOutcome,
} from '../../src/clients/follow-up-outcome.js';
import { RecordIndex } from '../../src/clients/record-index.js';
import { client, openWorld, referral, user } from './world.js';

const at = new Date('2026-11-05T09:00:00.000Z');

describe('recording a follow-up outcome', () => {
  it('closes the referral for every outcome but "not yet", which asks again in 2 days', () => {
    expect(ALL_OUTCOMES.filter(closesFollowUp)).toEqual([
      'attended',
      'declined',
      'moved',
      'negative',
      'positive',
    ]);
    expect(nextDueAt('not_yet', at)).toBe('2026-11-07T09:00:00.000Z');
    expect(nextDueAt('attended', at)).toBeNull();
  });

  it('agrees with the records index on which outcomes close a follow-up', () => {
    for (const outcome of ALL_OUTCOMES) {
      const index = new RecordIndex();
      index.addReferral(referral('r1', 'c1', '2026-11-03T10:00:00.000Z'));
      index.addReferral({
        at: at.toISOString(),
        type: 'outcome',
        id: 'o1',
        referralId: 'r1',
        clientId: 'c1',
        mentorId: 'm1',
        outcome,
        note: null,
        dueAt: nextDueAt(outcome, at),
      });
      expect(index.followUp('r1')?.status === 'closed', outcome).toBe(closesFollowUp(outcome));
    }
  });

  it('offers test results for the infant schedule and referral outcomes otherwise', async () => {
    const index = new RecordIndex();
    index.addReferral(referral('r1', 'c1', '2026-11-03T10:00:00.000Z'));
    index.addReferral(
      referral('r2', 'c1', '2026-11-12T00:00:00.000Z', { kind: 'infant-test', test: 'nat_6_weeks' }),
    );
    expect(outcomeChoices(index.followUp('r1') ?? never())).toEqual([
      'attended',
      'not_yet',
      'declined',
      'moved',
    ]);
    expect(outcomeChoices(index.followUp('r2') ?? never())).toEqual([
      'negative',
      'positive',
      'not_yet',
      'moved',
    ]);
    expect(asksForNote('attended')).toBe(true);
    expect(asksForNote('not_yet')).toBe(false);
  });

  it('keeps a short note and never a phone number', () => {
    expect(cleanNote('  started ART  ')).toBe('started ART');
    expect(cleanNote('call her on 0991 234 567')).toBeNull();
    expect(cleanNote('x'.repeat(400))).toHaveLength(300);
    expect(cleanNote('   ')).toBeNull();
  });

  it('records "not yet" with a new date, and a positive infant test adds an urgent confirming test', async () => {
    const world = await openWorld();
    const mentor = user('m1', 'mentor', 't1');
    const baby = client('b1', 'm1', 't1');
    await world.unit(async (unit, records) => {
      await unit.clients.put(baby);
      await records.addReferralEvent(
        referral('r1', 'b1', '2026-11-12T00:00:00.000Z', { kind: 'infant-test', test: 'nat_6_weeks' }),
      );
    });
    const notYet = await world.unit(async (_unit, records) =>
      recordOutcome(records, {
        actor: mentor,
        client: baby,
        followUp: records.followUp('r1') ?? never(),
        outcome: 'not_yet',
        note: 'ignored',
        at,
        newId: world.newId,
      }),
    );
    expect(notYet).toEqual({
      kind: 'recorded',
      closed: false,
      dueAt: '2026-11-07T09:00:00.000Z',
      confirmingTest: null,
    });
    expect(world.records.index.followUp('r1')).toMatchObject({
      status: 'open',
      dueAt: '2026-11-07T09:00:00.000Z',
    });

    const positive = await world.unit(async (_unit, records) =>
      recordOutcome(records, {
        actor: mentor,
        client: baby,
        followUp: records.followUp('r1') ?? never(),
        outcome: 'positive',
        note: 'ART started',
        at,
        newId: world.newId,
      }),
    );
    expect(positive).toMatchObject({ kind: 'recorded', closed: true });
    const confirming = world.records.index.followUp(
      positive.kind === 'recorded' ? (positive.confirmingTest ?? '') : '',
    );
    expect(confirming?.referral).toMatchObject({
      urgency: 'urgent',
      dueAt: '2026-11-07T09:00:00.000Z',
      source: { test: 'nat_6_weeks' },
    });
    expect(world.records.index.followUp('r1')?.outcomes.at(-1)).toMatchObject({
      outcome: 'positive',
      note: 'ART started',
    });
    await world.close();
  });

  it('refuses another mentor, a closed follow-up and an outcome it does not offer', async () => {
    const world = await openWorld();
    const own = client('c1', 'm1', 't1');
    await world.unit(async (unit, records) => {
      await unit.clients.put(own);
      await records.addReferralEvent(referral('r1', 'c1', '2026-11-03T10:00:00.000Z'));
    });
    const attempt = (actor: ReturnType<typeof user>, outcome: 'attended' | 'negative') =>
      world.unit(async (_unit, records) =>
        recordOutcome(records, {
          actor,
          client: own,
          followUp: records.followUp('r1') ?? never(),
          outcome,
          note: null,
          at,
          newId: world.newId,
        }),
      );
    expect(await attempt(user('m2', 'mentor', 't1'), 'attended')).toEqual({
      kind: 'refused',
      reason: 'not-allowed',
    });
    expect(await attempt(user('s1', 'supervisor', 't1'), 'attended')).toEqual({
      kind: 'refused',
      reason: 'not-allowed',
    });
    expect(await attempt(user('m1', 'mentor', 't1'), 'negative')).toEqual({
      kind: 'refused',
      reason: 'not-an-option',
    });
    expect(await attempt(user('m1', 'mentor', 't1'), 'attended')).toMatchObject({
      kind: 'recorded',
      closed: true,
    });
    expect(await attempt(user('m1', 'mentor', 't1'), 'attended')).toEqual({
      kind: 'refused',
      reason: 'not-open',
    });
    expect(await world.store.journal('referrals').query({ where: { type: 'outcome' } })).toHaveLength(1);
    await world.close();
  });
});

function never(): never {
  throw new Error('expected a follow-up');
}

import { describe, expect, it } from 'vitest';
import { handOverClients, mayHandOver } from '../../src/clients/handover.js';
import { client, openWorld, referral, user } from './world.js';

const at = new Date('2026-11-05T09:00:00.000Z');
const sup = user('s1', 'supervisor', 't1');
const leaving = user('m1', 'mentor', 't1', false);
const staying = user('m2', 'mentor', 't1');

describe('handing over a mentor’s clients', () => {
  it('is for a supervisor, within her own team, to another active mentor', () => {
    expect(mayHandOver(sup, leaving, staying)).toBe(true);
    expect(mayHandOver(sup, staying, leaving)).toBe(false); // not to a deactivated mentor
    expect(mayHandOver(sup, staying, staying)).toBe(false);
    expect(mayHandOver(sup, leaving, user('m3', 'mentor', 't2'))).toBe(false);
    expect(mayHandOver(user('s2', 'supervisor', 't2'), leaving, staying)).toBe(false);
    expect(mayHandOver(user('m2', 'mentor', 't1'), leaving, staying)).toBe(false);
    expect(mayHandOver(sup, leaving, user('s9', 'supervisor', 't1'))).toBe(false);
  });

  it('moves her clients with their open follow-ups, and says so in the audit log', async () => {
    const world = await openWorld();
    await world.unit(async (unit, records) => {
      await unit.clients.put(client('c1', 'm1', 't1'));
      await unit.clients.put(client('c2', 'm1', 't1'));
      await unit.clients.put(client('c3', 'm2', 't1'));
      await records.addReferralEvent(referral('r1', 'c1', '2026-11-06T00:00:00.000Z'));
      await records.addReferralEvent(
        referral('r2', 'c2', null, { kind: 'infant-test', test: 'final_antibody' }),
      );
    });
    const result = await world.unit((unit, records) =>
      handOverClients(unit, records, { actor: sup, from: leaving, to: staying, at }),
    );
    expect(result).toEqual({ kind: 'done', clients: 2, followUps: 2 });
    expect((await world.store.clients.list({ mentorId: 'm1' })).length).toBe(0);
    const theirs = await world.store.clients.list({ mentorId: 'm2' });
    expect(theirs.map((c) => c.id).sort()).toEqual(['c1', 'c2', 'c3']);
    // Her list and reminders follow the clients: the open follow-up is now among the new mentor's.
    const open = world.records.index.openFollowUps(new Set(theirs.map((c) => c.id)));
    expect(open.map((f) => f.referral.id)).toEqual(['r1']);
    expect(await world.audit('clients.handed_over')).toMatchObject([
      { actor: 's1', detail: { from: 'm1', to: 'm2', count: 2, followUps: 2 } },
    ]);
    await world.close();
  });

  it('refuses across teams and changes nothing', async () => {
    const world = await openWorld();
    await world.store.clients.put(client('c1', 'm1', 't1'));
    const other = user('s2', 'supervisor', 't2');
    const result = await world.unit((unit, records) =>
      handOverClients(unit, records, { actor: other, from: leaving, to: staying, at }),
    );
    expect(result).toEqual({ kind: 'refused', reason: 'not-allowed' });
    expect((await world.store.clients.get('c1'))?.mentorId).toBe('m1');
    expect(await world.store.journal('audit').query()).toEqual([]);
    await world.close();
  });
});

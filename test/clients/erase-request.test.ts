import { describe, expect, it } from 'vitest';
import { confirmsErasure, eraseOnRequest } from '../../src/clients/erase-request.js';
import { client, openWorld, referral, screening, user } from './world.js';

const at = new Date('2026-11-05T09:00:00.000Z');

describe('erasing a client at her request', () => {
  it('is confirmed by typing her code (case, spaces and dashes do not matter)', () => {
    const c = client('c1', 'm1', 't1', { code: 'ABC-DEFG' });
    expect(confirmsErasure('abc-defg', c)).toBe(true);
    expect(confirmsErasure(' abc defg ', c)).toBe(true);
    expect(confirmsErasure('ABC-DEFH', c)).toBe(false);
    expect(confirmsErasure('', client('c2', 'm1', 't1', { code: '' }))).toBe(false);
  });

  it('removes her and her records in one unit, unlinks her children, and keeps anonymous counts', async () => {
    const world = await openWorld();
    const mother = client('mom', 'm1', 't1');
    await world.unit(async (unit, records) => {
      await unit.clients.put(mother);
      await unit.clients.put(client('kid', 'm1', 't1', { motherId: 'mom' }));
      await records.addScreening(screening('s1', 'mom', '2026-11-01T10:00:00.000Z'));
      await records.addReferralEvent(referral('r1', 'mom', '2026-11-15T10:00:00.000Z'));
    });
    const refused = await world.unit((unit, records) =>
      eraseOnRequest(unit, records, { actor: user('s1', 'supervisor', 't1'), client: mother, at }),
    );
    expect(refused).toEqual({ kind: 'refused', reason: 'not-allowed' });
    expect(await world.store.clients.get('mom')).toBeDefined();

    const result = await world.unit((unit, records) =>
      eraseOnRequest(unit, records, { actor: user('m1', 'mentor', 't1'), client: mother, at }),
    );
    expect(result).toEqual({ kind: 'erased', unlinked: 1 });
    expect(await world.store.clients.get('mom')).toBeUndefined();
    expect((await world.store.clients.get('kid'))?.motherId).toBeNull();
    expect(world.records.index.history('mom')).toEqual([]);
    expect(world.records.index.followUpsOf('mom')).toEqual([]);
    expect(world.records.index.counts(() => true).routine).toBe(1);
    const stored = JSON.stringify([
      await world.store.journal('screenings').query(),
      await world.store.journal('referrals').query(),
      await world.store.journal('audit').query(),
    ]);
    expect(stored).not.toContain('mom');
    expect(await world.audit('client.erased')).toMatchObject([{ actor: 'm1' }]);
    await world.close();
  });
});

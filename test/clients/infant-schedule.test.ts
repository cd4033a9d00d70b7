import { describe, expect, it } from 'vitest';
import {
  infantTestReferrals,
  isHivExposedInfant,
  offersWeaning,
  recordWeaning,
  scheduleInfantTests,
} from '../../src/clients/infant-schedule.js';
import { client, openWorld, user } from './world.js';

const at = new Date('2026-11-02T08:00:00.000Z');
const mother = client('mom', 'm1', 't1', { groups: ['living_with_hiv'] });
const baby = client('baby', 'm1', 't1', {
  birthDate: '2026-10-01',
  birthYear: 2026,
  motherId: 'mom',
  groups: ['infant'],
});

describe('the HIV-exposed infant schedule', () => {
  it('is for a baby marked exposed or linked to a mother living with HIV, with a date of birth', () => {
    expect(isHivExposedInfant(baby, mother)).toBe(true);
    expect(isHivExposedInfant(baby, client('other', 'm1', 't1'))).toBe(false);
    expect(isHivExposedInfant({ ...baby, groups: ['hiv_exposed_infant'] }, undefined)).toBe(true);
    let n = 0;
    const refs = infantTestReferrals(baby, mother, at, () => `r${++n}`);
    expect(refs.map((r) => (r.type === 'referral' ? [r.source, r.dueAt] : null))).toEqual([
      [{ kind: 'infant-test', test: 'nat_6_weeks' }, '2026-11-12T00:00:00.000Z'],
      [{ kind: 'infant-test', test: 'nat_9_months' }, '2027-07-01T00:00:00.000Z'],
      [{ kind: 'infant-test', test: 'final_antibody' }, null],
    ]);
    expect(infantTestReferrals({ ...baby, birthDate: null }, mother, at, () => 'x')).toEqual([]);
  });

  it('dates the waiting final test when breastfeeding ends, once', async () => {
    const world = await openWorld();
    const mentor = user('m1', 'mentor', 't1');
    await world.unit(async (unit, records) => {
      await unit.clients.put(mother);
      await unit.clients.put(baby);
      expect(
        await scheduleInfantTests(unit, records, baby, new Date('2026-10-20T00:00:00Z'), world.newId),
      ).toBe(3);
    });
    expect(offersWeaning(baby, world.records.index.followUpsOf('baby'))).toBe(true);
    const result = await world.unit((unit, records) =>
      recordWeaning(unit, records, { actor: mentor, client: baby, at, newId: world.newId }),
    );
    // The later of 18 months of age (2028-04-01) and 3 months after weaning (2027-02-02).
    expect(result).toEqual({ kind: 'recorded', finalDueAt: '2028-04-01T00:00:00.000Z', scheduled: 0 });
    const weaned = await world.store.clients.get('baby');
    expect(weaned?.breastfeedingEndedAt).toBe('2026-11-02');
    const final = world.records.index
      .followUpsOf('baby')
      .find((f) => f.referral.source.kind === 'infant-test' && f.referral.source.test === 'final_antibody');
    expect(final).toMatchObject({ status: 'open', dueAt: '2028-04-01T00:00:00.000Z' });
    expect(offersWeaning(weaned ?? baby, world.records.index.followUpsOf('baby'))).toBe(false);
    expect(
      await world.unit((unit, records) =>
        recordWeaning(unit, records, { actor: mentor, client: weaned ?? baby, at, newId: world.newId }),
      ),
    ).toEqual({ kind: 'refused', reason: 'already-recorded' });
    await world.close();
  });

  it('puts an exposed baby not yet on the schedule on it, with the final test dated', async () => {
    const world = await openWorld();
    const exposed = client('b2', 'm1', 't1', {
      birthDate: '2026-01-10',
      birthYear: 2026,
      groups: ['hiv_exposed_infant'],
    });
    await world.store.clients.put(exposed);
    const result = await world.unit((unit, records) =>
      recordWeaning(unit, records, {
        actor: user('m1', 'mentor', 't1'),
        client: exposed,
        at,
        newId: world.newId,
      }),
    );
    expect(result).toEqual({ kind: 'recorded', finalDueAt: '2027-07-10T00:00:00.000Z', scheduled: 3 });
    await world.close();
  });

  it("refuses another mentor's baby", async () => {
    const world = await openWorld();
    await world.store.clients.put(baby);
    const result = await world.unit((unit, records) =>
      recordWeaning(unit, records, {
        actor: user('m2', 'mentor', 't1'),
        client: baby,
        at,
        newId: world.newId,
      }),
    );
    expect(result).toEqual({ kind: 'refused', reason: 'not-allowed' });
    expect((await world.store.clients.get('baby'))?.breastfeedingEndedAt).toBeNull();
    await world.close();
  });
});

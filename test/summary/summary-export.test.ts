import { afterEach, describe, expect, it } from 'vitest';
import type { Team, User } from '../../src/accounts/types.js';
import type { Client, ReferralEvent, ScreeningJournalRecord } from '../../src/clients/types.js';
import { LowdbStore } from '../../src/store/lowdb/lowdb-store.js';
import { summaryCsv } from '../../src/summary/csv.js';
import { exportRows } from '../../src/summary/export-rows.js';
import { summarize } from '../../src/summary/gather.js';
import { tempDataDir } from '../support/fakes.js';
import { outcome, referral, screening, voidOf } from './records.js';

const NOW = new Date('2026-12-02T06:00:00Z'); // Wednesday of 2026-W49
const stores: LowdbStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

const team = (id: string, name: string, timezone: string): Team => ({
  id,
  name,
  country: 'KE',
  timezone,
  supervisorId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
});

const user = (id: string, name: string, teamId: string, role: User['role'] = 'mentor'): User => ({
  id,
  role,
  name,
  lang: 'en',
  teamId,
  active: true,
  addresses: [],
  lastAddress: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  invitedBy: null,
});

const client = (id: string, code: string, mentorId: string, teamId: string): Client => ({
  id,
  code,
  mentorId,
  teamId,
  birthYear: 1995,
  birthDate: null,
  sex: 'female',
  groups: [],
  motherId: null,
  consent: true,
  consentAt: null,
  breastfeedingEndedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
});

/** Two teams (Nairobi, UTC+3, and Johannesburg, UTC+2), a voided screening, one at each edge of the week. */
async function seeded(): Promise<LowdbStore> {
  const store = await LowdbStore.open({ dataDir: tempDataDir(), lock: true });
  stores.push(store);
  await store.teams.put(team('t1', 'Kisumu', 'Africa/Nairobi'));
  await store.teams.put(team('t2', 'Alexandra', 'Africa/Johannesburg'));
  await store.users.put(user('m1', 'Amina', 't1'));
  await store.users.put(user('m2', '=cmd|calc', 't1'));
  await store.users.put(user('m3', 'Dineo', 't2'));
  await store.users.put(user('s1', 'Supervisor', 't1', 'supervisor'));
  await store.clients.put(client('c-known', 'KSM-042', 'm1', 't1'));
  const screenings = store.journal<ScreeningJournalRecord>('screenings');
  const mistaken = screening('2026-12-01T10:00:00.000Z', 'm1', 't1', { urgency: 'emergency' });
  const records = [
    screening('2026-11-29T20:59:00.000Z', 'm1', 't1'), // Sunday 23:59 in Nairobi: W48
    screening('2026-11-29T21:00:00.000Z', 'm1', 't1', {
      clientId: 'c-known',
      score: 7,
      band: 'high',
      reasons: ['a', 'b'],
    }),
    mistaken,
    screening('2026-12-02T05:00:00.000Z', 'm2', 't1', { urgency: 'urgent' }),
    screening('2026-12-06T20:59:59.000Z', 'm2', 't1', { clientId: null, consent: false }), // Sunday 23:59:59
    screening('2026-12-06T21:00:00.000Z', 'm2', 't1'), // next Monday: W50
    screening('2026-11-29T22:30:00.000Z', 'm3', 't2'), // Monday 00:30 in Johannesburg
    screening('2026-11-29T21:30:00.000Z', 'm3', 't2'), // Sunday 23:30 there, Monday in Nairobi
  ];
  for (const r of records) await screenings.append(r);
  await screenings.append(voidOf(mistaken, '2026-12-01T11:00:00.000Z'));
  const r = referral('2026-11-24T09:00:00.000Z', 'm1', 't1', 'emergency', '2026-11-25T09:00:00.000Z');
  const referrals = store.journal<ReferralEvent>('referrals');
  await referrals.append(r);
  await referrals.append(outcome(r, '2026-12-01T09:00:00.000Z', 'attended'));
  return store;
}

async function lines(gen: AsyncGenerator<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of gen) out.push(line);
  return out;
}

/** A CSV without quoted commas or newlines, as ours are here, read as objects. */
function parseCsv(text: string): Record<string, string>[] {
  const [head, ...rows] = text.trimEnd().split('\n');
  const columns = (head ?? '').split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((cell, i) => [columns[i] ?? '', cell])));
}

describe('summaries from the store, the CSV and the export', () => {
  it('summarizes every team, sorted by name, each in its own timezone', async () => {
    const store = await seeded();
    const all = await summarize(store, { week: 'this', now: NOW });
    expect(all.map((s) => [s.team, s.week.id, s.week.timeZone])).toEqual([
      ['Alexandra', '2026-W49', 'Africa/Johannesburg'],
      ['Kisumu', '2026-W49', 'Africa/Nairobi'],
    ]);
    const [alexandra, kisumu] = all;
    expect(alexandra?.totals.screenings).toBe(1);
    expect(kisumu?.mentors.map((m) => [m.mentor, m.screenings])).toEqual([
      ['=cmd|calc', 2],
      ['Amina', 1],
    ]);
    expect(kisumu?.mentors.find((m) => m.mentor === 'Amina')).toMatchObject({
      referralsCompleted: 1,
      referralsOverdue: 0,
    });
    expect(kisumu?.previous.screenings).toBe(1);
    const one = await summarize(store, { teamIds: ['t1', 'nope'], week: '2026-W48', now: NOW });
    expect(one.map((s) => [s.team, s.totals.screenings, s.totals.referralsOverdue])).toEqual([
      ['Kisumu', 1, 1],
    ]);
  });

  it('writes the summary CSV with the columns of interfaces.md, team totals and formula-safe names', async () => {
    const store = await seeded();
    const csv = summaryCsv(await summarize(store, { week: 'this', now: NOW }));
    const [header] = csv.split('\n');
    expect(header).toBe(
      'team,mentor,screenings,emergency,urgent,routine,none,referrals_created,referrals_completed,' +
        'referrals_overdue,clients_reached,modules_passed,active_days',
    );
    const rows = parseCsv(csv);
    expect(rows.map((r) => [r.team, r.mentor, r.screenings])).toEqual([
      ['Alexandra', 'Dineo', '1'],
      ['Alexandra', 'total', '1'],
      ['Kisumu', "'=cmd|calc", '2'],
      ['Kisumu', 'Amina', '1'],
      ['Kisumu', 'total', '3'],
    ]);
    expect(rows[2]).toMatchObject({ urgent: '1', routine: '1', clients_reached: '2', active_days: '2' });
    expect(csv.endsWith('\n')).toBe(true);
  });

  it('exports one line per screening between local dates, voided ones only when asked', async () => {
    const store = await seeded();
    const csv = await lines(
      exportRows(store, { from: '2026-11-30', to: '2026-12-06', teamIds: ['t1'], format: 'csv' }),
    );
    expect(csv.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
    expect(csv[0]).toBe(
      'screening_id,screened_at,local_date,team,mentor,client,questionnaire,version,urgency,score,band,reasons\n',
    );
    const rows = parseCsv(csv.join(''));
    expect(rows.map((r) => [r.screened_at, r.local_date, r.mentor, r.client])).toEqual([
      ['2026-11-30T00:00:00+03:00', '2026-11-30', 'Amina', 'KSM-042'],
      ['2026-12-02T08:00:00+03:00', '2026-12-02', "'=cmd|calc", ''],
      ['2026-12-06T23:59:59+03:00', '2026-12-06', "'=cmd|calc", ''],
    ]);
    expect(rows[0]).toMatchObject({
      score: '7',
      band: 'high',
      reasons: 'a;b',
      questionnaire: 'tb',
      version: '1',
    });

    const jsonl = await lines(
      exportRows(store, { from: '2026-11-30', to: '2026-11-30', includeVoided: false, format: 'jsonl' }),
    );
    expect(jsonl.map((l) => JSON.parse(l))).toMatchObject([
      { team: 'Kisumu', local_date: '2026-11-30', client: 'KSM-042', reasons: ['a', 'b'], score: 7 },
      { team: 'Alexandra', screened_at: '2026-11-30T00:30:00+02:00', client: null },
    ]);
    expect(jsonl[0]).not.toContain('voided');

    const withVoided = await lines(
      exportRows(store, { from: '2026-12-01', to: '2026-12-01', includeVoided: true, format: 'jsonl' }),
    );
    expect(withVoided.map((l) => JSON.parse(l))).toMatchObject([{ urgency: 'emergency', voided: true }]);
    const header = await exportRows(store, {
      from: '2026-12-01',
      to: '2026-12-01',
      includeVoided: true,
      format: 'csv',
    }).next();
    expect(header.value).toMatch(/,reasons,voided\n$/);
    await expect(
      lines(exportRows(store, { from: '2026-12-31', to: '2026-12-01', format: 'csv' })),
    ).rejects.toThrow(/after/);
  });

  it('has, for a week, as many screenings per mentor in the summary CSV as export rows per mentor', async () => {
    const store = await seeded();
    for (const spec of ['2026-W48', '2026-W49', '2026-W50']) {
      const summaries = await summarize(store, { week: spec, now: NOW });
      const fromCsv = new Map<string, number>();
      for (const r of parseCsv(summaryCsv(summaries))) {
        if (r.mentor !== 'total' && Number(r.screenings) > 0)
          fromCsv.set(`${r.team}/${r.mentor}`, Number(r.screenings));
      }
      const fromExport = new Map<string, number>();
      // Both teams' weeks have the same local dates, whatever their timezone.
      const week = summaries[0]?.week;
      for (const r of parseCsv(
        (await lines(exportRows(store, { from: week?.from ?? '', to: week?.to ?? '', format: 'csv' }))).join(
          '',
        ),
      )) {
        const key = `${r.team}/${r.mentor}`;
        fromExport.set(key, (fromExport.get(key) ?? 0) + 1);
      }
      expect(fromExport, spec).toEqual(fromCsv);
      expect(fromExport.size, spec).toBeGreaterThan(0);
    }
  });
});

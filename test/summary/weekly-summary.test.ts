import { describe, expect, it } from 'vitest';
import { parseWeek } from '../../src/summary/week.js';
import { type SummaryInput, summarizeTeam } from '../../src/summary/weekly-summary.js';
import { outcome, quiz, referral, screening, voidOf } from './records.js';

const NOW = new Date('2026-12-02T06:00:00Z');
const W49 = parseWeek('2026-W49', NOW, 'Africa/Nairobi'); // Mon 30 Nov to Sun 6 Dec, local (UTC+3)
const W48 = parseWeek('2026-W48', NOW, 'Africa/Nairobi');
const TEAM = { id: 't1', name: 'Kisumu' };
const AMINA = { id: 'm1', name: 'Amina', teamId: 't1' };
const BEATRICE = { id: 'm2', name: 'Beatrice', teamId: 't1' };

const input = (records: Partial<SummaryInput>): SummaryInput => ({
  team: TEAM,
  mentors: [AMINA, BEATRICE],
  screenings: [],
  voids: [],
  referrals: [],
  training: [],
  ...records,
});

describe('summarizeTeam', () => {
  it('counts Monday 00:00 local in the new week and Sunday 23:59 in the old one (east of UTC)', () => {
    const records = input({
      screenings: [
        screening('2026-11-29T20:59:00.000Z', 'm1', 't1', { urgency: 'urgent' }), // Sun 23:59 Nairobi
        screening('2026-11-29T21:00:00.000Z', 'm1', 't1', { urgency: 'emergency', questionnaire: 'mh' }), // Mon 00:00
      ],
    });
    const week = summarizeTeam(records, W49);
    const amina = week.mentors.find((m) => m.mentorId === 'm1');
    expect(amina).toMatchObject({ screenings: 1, activeDays: 1, byQuestionnaire: { mh: 1 } });
    expect(amina?.byUrgency).toEqual({ emergency: 1, urgent: 0, routine: 0, none: 0 });
    expect(week.previous).toMatchObject({ screenings: 1, byUrgency: { urgent: 1, emergency: 0 } });
    expect(summarizeTeam(records, W48).totals.byUrgency.urgent).toBe(1);
    expect(week.flags).toContainEqual({ kind: 'emergencies', mentorId: 'm1', mentor: 'Amina', count: 1 });
  });

  it('shows an empty week as zeros with every member flagged as idle', () => {
    const week = summarizeTeam(input({}), W49);
    expect(week.mentors.map((m) => m.mentor)).toEqual(['Amina', 'Beatrice']);
    expect(
      week.mentors.every((m) => m.screenings === 0 && m.activeDays === 0 && m.clientsReached === 0),
    ).toBe(true);
    expect(week.totals).toMatchObject({
      screenings: 0,
      referralsCreated: 0,
      clientsReached: 0,
      activeDays: 0,
    });
    expect(week.flags).toEqual([
      { kind: 'inactive', mentorId: 'm1', mentor: 'Amina' },
      { kind: 'inactive', mentorId: 'm2', mentor: 'Beatrice' },
    ]);
  });

  it('counts a mentor who moved teams mid-week in both teams, each with its own records', () => {
    const moved = { id: 'm3', name: 'Chipo', teamId: 't2' };
    const records = {
      mentors: [AMINA, moved],
      screenings: [
        screening('2026-12-01T08:00:00.000Z', 'm3', 't1'), // Tuesday, still in Kisumu
        screening('2026-12-03T08:00:00.000Z', 'm3', 't2'), // Thursday, in Kakamega
        screening('2026-12-04T08:00:00.000Z', 'm3', 't2'),
      ],
    };
    const old = summarizeTeam(input(records), W49);
    const now = summarizeTeam(input({ ...records, team: { id: 't2', name: 'Kakamega' } }), W49);
    expect(old.mentors.find((m) => m.mentorId === 'm3')).toMatchObject({ screenings: 1, activeDays: 1 });
    expect(now.mentors.map((m) => [m.mentor, m.screenings, m.activeDays])).toEqual([['Chipo', 2, 2]]);
    expect(old.totals.screenings + now.totals.screenings).toBe(3);
    // Amina is no member of Kakamega: she is not listed there.
    expect(now.flags).toEqual([]);
  });

  it('counts a referral completed the week after it was created in the week of its outcome', () => {
    const r = referral('2026-11-25T09:00:00.000Z', 'm1', 't1', 'urgent', '2026-11-27T09:00:00.000Z');
    const records = input({ referrals: [r, outcome(r, '2026-12-01T09:00:00.000Z', 'attended')] });
    const before = summarizeTeam(records, W48);
    const after = summarizeTeam(records, W49);
    expect(before.mentors[0]).toMatchObject({ mentor: 'Amina', referralsCreated: 1, referralsCompleted: 0 });
    expect(after.mentors[0]).toMatchObject({
      referralsCreated: 0,
      referralsCompleted: 1,
      referralsOverdue: 0,
    });
    // At the end of W48 it was open and due before then: overdue that week.
    expect(before.mentors[0]?.referralsOverdue).toBe(1);
    expect(after.previous).toMatchObject({ referralsCreated: 1, referralsOverdue: 1 });
  });

  it('flags overdue emergency referrals first; "not yet" keeps a referral open with its new date', () => {
    const emergency = referral(
      '2026-11-20T09:00:00.000Z',
      'm2',
      't1',
      'emergency',
      '2026-11-21T09:00:00.000Z',
    );
    const later = referral('2026-11-20T09:00:00.000Z', 'm1', 't1', 'urgent', '2026-11-22T09:00:00.000Z');
    const week = summarizeTeam(
      input({
        screenings: [screening('2026-12-01T08:00:00.000Z', 'm1', 't1', { urgency: 'emergency' })],
        referrals: [
          emergency,
          later,
          outcome(later, '2026-12-01T10:00:00.000Z', 'not_yet', '2026-12-20T00:00:00.000Z'),
        ],
      }),
      W49,
    );
    expect(week.flags.map((f) => f.kind)).toEqual(['overdue-emergency', 'inactive', 'emergencies']);
    expect(week.flags[0]).toEqual({
      kind: 'overdue-emergency',
      mentorId: 'm2',
      mentor: 'Beatrice',
      count: 1,
    });
    expect(week.mentors.find((m) => m.mentorId === 'm1')).toMatchObject({
      referralsOverdue: 0,
      referralsCompleted: 0,
    });
  });

  it('leaves a voided screening out, even when it was voided later', () => {
    const kept = screening('2026-12-01T08:00:00.000Z', 'm1', 't1');
    const mistaken = screening('2026-12-01T09:00:00.000Z', 'm1', 't1', { urgency: 'emergency' });
    const week = summarizeTeam(
      input({ screenings: [kept, mistaken], voids: [voidOf(mistaken, '2026-12-08T09:00:00.000Z')] }),
      W49,
    );
    expect(week.totals).toMatchObject({
      screenings: 1,
      clientsReached: 1,
      byUrgency: { emergency: 0, routine: 1 },
    });
    expect(week.flags.some((f) => f.kind === 'emergencies')).toBe(false);
  });

  it('counts distinct clients and a module in the week of its first pass only', () => {
    const s = screening('2026-12-01T08:00:00.000Z', 'm1', 't1');
    const week = summarizeTeam(
      input({
        screenings: [s, screening('2026-12-02T08:00:00.000Z', 'm1', 't1', { clientId: s.clientId })],
        training: [
          quiz('2026-11-24T08:00:00.000Z', 'm2', 't1', 'tb-basics', true),
          quiz('2026-12-02T08:00:00.000Z', 'm2', 't1', 'tb-basics', true), // a retake: not a new pass
          quiz('2026-12-02T09:00:00.000Z', 'm2', 't1', 'hiv', false),
          quiz('2026-12-03T09:00:00.000Z', 'm2', 't1', 'hiv', true),
        ],
      }),
      W49,
    );
    expect(week.mentors.find((m) => m.mentorId === 'm1')).toMatchObject({
      screenings: 2,
      clientsReached: 1,
      activeDays: 2,
    });
    expect(week.mentors.find((m) => m.mentorId === 'm2')).toMatchObject({ modulesPassed: 1, activeDays: 2 });
    expect(week.previous.modulesPassed).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import {
  recordScreening,
  screeningRecord,
  screeningReferral,
  withConsent,
} from '../../src/clients/screening-record.js';
import type { Client, ReferralEvent, ScreeningRecord } from '../../src/clients/types.js';
import type { Outcome } from '../../src/screening/questionnaire-engine.js';

const NOW = new Date('2026-11-02T09:00:00.000Z');
const mentor = { id: 'm1', teamId: 't1' };

const client = (over: Partial<Client> = {}): Client => ({
  id: 'c1',
  code: 'ABC-DEFG',
  mentorId: 'm1',
  teamId: 't1',
  birthYear: 1990,
  birthDate: null,
  sex: 'female',
  groups: ['living_with_hiv'],
  motherId: null,
  consent: true,
  consentAt: NOW.toISOString(),
  breastfeedingEndedAt: null,
  createdAt: NOW.toISOString(),
  ...over,
});

const outcome = (over: Partial<Outcome> = {}): Outcome => ({
  questionnaire: 'hiv-adherence',
  version: 1,
  urgency: 'urgent',
  score: 3,
  band: 'poor',
  reasons: ['high_viral_load'],
  notes: [],
  ...over,
});

const answers = { viral_load: 12000, missed_doses: 4 };

describe('the screening record', () => {
  it('keeps everything about a client who consented', () => {
    const r = screeningRecord({ id: 's1', at: NOW, mentor, client: client(), outcome: outcome(), answers });
    expect(r).toEqual({
      at: NOW.toISOString(),
      type: 'screening',
      id: 's1',
      clientId: 'c1',
      mentorId: 'm1',
      teamId: 't1',
      questionnaire: 'hiv-adherence',
      version: 1,
      answers,
      score: 3,
      band: 'poor',
      urgency: 'urgent',
      reasons: ['high_viral_load'],
      consent: true,
    });
  });

  it('is an anonymous count without consent: no client, answers, score, band or reasons', () => {
    for (const who of [null, client({ consent: false })]) {
      const r = screeningRecord({ id: 's1', at: NOW, mentor, client: who, outcome: outcome(), answers });
      expect(r).toMatchObject({
        clientId: null,
        answers: null,
        score: null,
        band: null,
        reasons: [],
        consent: false,
      });
      expect(r.urgency).toBe('urgent');
      expect(JSON.stringify(r)).not.toMatch(/12000|viral|missed/);
    }
  });

  it('does not share the answers object it was given', () => {
    const mine = { ...answers };
    const r = screeningRecord({
      id: 's1',
      at: NOW,
      mentor,
      client: client(),
      outcome: outcome(),
      answers: mine,
    });
    mine.viral_load = 1;
    expect(r.answers).toEqual(answers);
  });

  it('knows consent only from the client record', () => {
    expect(withConsent(client())).toBe(true);
    expect(withConsent(client({ consent: false }))).toBe(false);
    expect(withConsent(null)).toBe(false);
  });
});

describe('the referral a screening opens', () => {
  const record = (urgency: Outcome['urgency'], who: Client | null = client()): ScreeningRecord =>
    screeningRecord({ id: 's1', at: NOW, mentor, client: who, outcome: outcome({ urgency }), answers });

  it.each([
    ['emergency', '2026-11-03T09:00:00.000Z'],
    ['urgent', '2026-11-04T09:00:00.000Z'],
    ['routine', '2026-11-16T09:00:00.000Z'],
  ] as const)('%s: due %s', (urgency, due) => {
    expect(screeningReferral(record(urgency), 'r1', NOW)).toEqual({
      at: NOW.toISOString(),
      type: 'referral',
      id: 'r1',
      clientId: 'c1',
      mentorId: 'm1',
      teamId: 't1',
      source: { kind: 'screening', screeningId: 's1', questionnaire: 'hiv-adherence' },
      urgency,
      dueAt: due,
    });
  });

  it('opens none when nothing is needed, or without consent (nobody to follow up)', () => {
    expect(screeningReferral(record('none'), 'r1', NOW)).toBeNull();
    expect(screeningReferral(record('emergency', null), 'r1', NOW)).toBeNull();
  });
});

describe('recording a screening in a unit of work', () => {
  const fake = () => {
    const screenings: ScreeningRecord[] = [];
    const referrals: ReferralEvent[] = [];
    let n = 0;
    return {
      screenings,
      referrals,
      records: {
        addScreening: async (r: ScreeningRecord) => {
          screenings.push(r);
        },
        addReferralEvent: async (e: ReferralEvent) => {
          referrals.push(e);
        },
      },
      ids: { id: () => `id-${++n}` },
    };
  };

  it('writes the record and its referral, and says when she will follow up', async () => {
    const f = fake();
    const done = await recordScreening(f.records, f.ids, {
      at: NOW,
      mentor,
      client: client(),
      outcome: outcome(),
      answers,
    });
    expect(f.screenings).toEqual([done.record]);
    expect(f.referrals).toEqual([done.referral]);
    expect(done.referral?.source).toEqual({
      kind: 'screening',
      screeningId: 'id-1',
      questionnaire: 'hiv-adherence',
    });
    expect(done.dueAt?.toISOString()).toBe('2026-11-04T09:00:00.000Z');
  });

  it('without consent writes only the anonymous count, and promises no follow-up', async () => {
    const f = fake();
    const done = await recordScreening(f.records, f.ids, {
      at: NOW,
      mentor,
      client: null,
      outcome: outcome(),
      answers,
    });
    expect(f.screenings).toHaveLength(1);
    expect(f.referrals).toEqual([]);
    expect(done.dueAt).toBeNull();
    expect(JSON.stringify(f.screenings)).not.toMatch(/12000|viral_load/);
  });
});

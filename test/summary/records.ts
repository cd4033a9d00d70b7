import type { ReferralEvent, ScreeningRecord, VoidRecord } from '../../src/clients/types.js';
import type { Urgency } from '../../src/screening/schema.js';
import type { TrainingRecord } from '../../src/training/progress.js';

/** Small builders of journal records for the summary tests. */
let n = 0;
const nextId = (prefix: string): string => `${prefix}-${++n}`;

export function screening(
  at: string,
  mentorId: string,
  teamId: string | null,
  extra: Partial<ScreeningRecord> = {},
): ScreeningRecord {
  return {
    at,
    type: 'screening',
    id: nextId('s'),
    clientId: nextId('c'),
    mentorId,
    teamId,
    questionnaire: 'tb',
    version: 1,
    answers: null,
    score: null,
    band: null,
    urgency: 'routine',
    reasons: [],
    consent: true,
    ...extra,
  };
}

export const voidOf = (s: ScreeningRecord, at: string): VoidRecord => ({
  at,
  type: 'void',
  id: nextId('v'),
  screeningId: s.id,
  clientId: s.clientId,
  mentorId: s.mentorId,
  reason: 'wrong client',
});

export function referral(
  at: string,
  mentorId: string,
  teamId: string,
  urgency: Urgency,
  dueAt: string | null,
): Extract<ReferralEvent, { type: 'referral' }> {
  return {
    at,
    type: 'referral',
    id: nextId('r'),
    clientId: nextId('c'),
    mentorId,
    teamId,
    source: { kind: 'screening', screeningId: nextId('s'), questionnaire: 'tb' },
    urgency,
    dueAt,
  };
}

export const outcome = (
  r: Extract<ReferralEvent, { type: 'referral' }>,
  at: string,
  result: 'attended' | 'not_yet',
  dueAt: string | null = null,
): ReferralEvent => ({
  at,
  type: 'outcome',
  id: nextId('o'),
  referralId: r.id,
  clientId: r.clientId,
  mentorId: r.mentorId,
  outcome: result,
  note: null,
  dueAt,
});

export const quiz = (
  at: string,
  userId: string,
  teamId: string,
  moduleId: string,
  passed: boolean,
): TrainingRecord => ({
  at,
  userId,
  teamId,
  moduleId,
  lang: 'en',
  correct: passed ? 5 : 1,
  total: 5,
  passed,
});

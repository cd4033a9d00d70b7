import type { Ids } from '../core/clock.js';
import type { Outcome } from '../screening/questionnaire-engine.js';
import { referralDueAt } from './follow-up.js';
import type { ClientRecordsPort } from './records.js';
import type { Client, ReferralEvent, ScreeningRecord } from './types.js';

/** Who screened: a Mentor Mother and her team. */
export interface Screener {
  id: string;
  teamId: string | null;
}

/** Records about a client are kept only with her consent (a client registered without it is screened anonymously). */
export const withConsent = (client: Client | null | undefined): client is Client => client?.consent === true;

/**
 * The journal record of a completed screening. With her consent: her id, the answers, the score and the reasons.
 * Without: an anonymous count only (questionnaire, urgency, mentor, date): nothing she answered is kept.
 */
export function screeningRecord(input: {
  id: string;
  at: Date;
  mentor: Screener;
  client: Client | null;
  outcome: Outcome;
  answers: Record<string, unknown>;
}): ScreeningRecord {
  const { outcome, mentor } = input;
  const client = withConsent(input.client) ? input.client : null;
  return {
    at: input.at.toISOString(),
    type: 'screening',
    id: input.id,
    clientId: client?.id ?? null,
    mentorId: mentor.id,
    teamId: mentor.teamId,
    questionnaire: outcome.questionnaire,
    version: outcome.version,
    answers: client ? { ...input.answers } : null,
    score: client ? outcome.score : null,
    band: client ? outcome.band : null,
    urgency: outcome.urgency,
    reasons: client ? [...outcome.reasons] : [],
    consent: client !== null,
  };
}

/**
 * The referral a screening opens, due by its urgency (follow-up.ts): only for a client who consented and an
 * outcome that needs one. Without consent there is nobody to follow up, so nothing is opened.
 */
export function screeningReferral(
  record: ScreeningRecord,
  id: string,
  at: Date,
): Extract<ReferralEvent, { type: 'referral' }> | null {
  const due = referralDueAt(record.urgency, at);
  if (!record.consent || !record.clientId || !due) return null;
  return {
    at: at.toISOString(),
    type: 'referral',
    id,
    clientId: record.clientId,
    mentorId: record.mentorId,
    teamId: record.teamId,
    source: { kind: 'screening', screeningId: record.id, questionnaire: record.questionnaire },
    urgency: record.urgency,
    dueAt: due.toISOString(),
  };
}

export interface RecordedScreening {
  record: ScreeningRecord;
  referral: Extract<ReferralEvent, { type: 'referral' }> | null;
  /** When she will be reminded to follow up; null when no referral was opened. */
  dueAt: Date | null;
}

/** Records a completed screening and the referral it opens, in the caller's unit of work. */
export async function recordScreening(
  records: Pick<ClientRecordsPort, 'addScreening' | 'addReferralEvent'>,
  ids: Pick<Ids, 'id'>,
  input: {
    at: Date;
    mentor: Screener;
    client: Client | null;
    outcome: Outcome;
    answers: Record<string, unknown>;
  },
): Promise<RecordedScreening> {
  const record = screeningRecord({ ...input, id: ids.id() });
  await records.addScreening(record);
  const referral = screeningReferral(record, ids.id(), input.at);
  if (referral) await records.addReferralEvent(referral);
  return { record, referral, dueAt: referral?.dueAt ? new Date(referral.dueAt) : null };
}

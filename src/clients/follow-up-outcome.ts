import { type Actor, mayActOn } from './access.js';
import type { ClientRecordsPort, FollowUp } from './records.js';
import { type Client, INFANT_RESULTS, OUTCOMES, type ReferralEvent } from './types.js';

const DAY = 86_400_000;

/** Every outcome a follow-up can get: a referral's (went, not yet, declined, moved) or an infant test's result. */
export const ALL_OUTCOMES = [...OUTCOMES, ...INFANT_RESULTS] as const;
export type AnyOutcome = (typeof ALL_OUTCOMES)[number];

export const isOutcome = (value: unknown): value is AnyOutcome => ALL_OUTCOMES.includes(value as AnyOutcome);

/** Outcomes that close a follow-up. "Not yet" leaves it open with a new date. */
export const CLOSING_OUTCOMES: ReadonlySet<AnyOutcome> = new Set([
  'attended',
  'declined',
  'moved',
  'negative',
  'positive',
]);

export const closesFollowUp = (outcome: AnyOutcome): boolean => CLOSING_OUTCOMES.has(outcome);

/** "Not yet": she is asked again this many days later. */
export const NOT_YET_DAYS = 2;
/** A positive infant test: ART and a confirming test within 48 hours. */
export const CONFIRM_POSITIVE_DAYS = 2;
export const MAX_NOTE = 300;

/** The outcomes offered for a follow-up: a test's result for the infant schedule, else what became of a referral. */
export function outcomeChoices(f: FollowUp): AnyOutcome[] {
  return f.referral.source.kind === 'infant-test'
    ? ['negative', 'positive', 'not_yet', 'moved']
    : [...OUTCOMES];
}

/** Whether she is asked what the clinic found or started (not when nothing happened there). */
export const asksForNote = (outcome: AnyOutcome): boolean => outcome !== 'not_yet' && outcome !== 'moved';

/** The new due date an outcome sets: "not yet" asks again in NOT_YET_DAYS; the others close it. */
export function nextDueAt(outcome: AnyOutcome, at: Date): string | null {
  return outcome === 'not_yet' ? new Date(at.getTime() + NOT_YET_DAYS * DAY).toISOString() : null;
}

/** A note as kept: trimmed, short, and never something that carries a phone number (7 or more digits). */
export function cleanNote(text: string): string | null {
  const note = text.trim().slice(0, MAX_NOTE);
  if (note === '' || /\d{7,}/.test(note.replace(/\D/g, ''))) return null;
  return note;
}

export type OutcomeResult =
  | { kind: 'recorded'; closed: boolean; dueAt: string | null; confirmingTest: string | null }
  | { kind: 'refused'; reason: 'not-allowed' | 'not-open' | 'not-an-option' };

/**
 * Records what became of a follow-up, within the caller's unit of work. Only the client's own mentor records, only
 * on an open follow-up, only an outcome it offers. A positive infant test adds an urgent confirming test.
 */
export async function recordOutcome(
  records: ClientRecordsPort,
  input: {
    actor: Actor;
    client: Client;
    followUp: FollowUp;
    outcome: AnyOutcome;
    note: string | null;
    at: Date;
    newId: () => string;
  },
): Promise<OutcomeResult> {
  const { actor, client, followUp: f, outcome, at, newId } = input;
  if (!mayActOn(actor, client) || f.referral.clientId !== client.id)
    return { kind: 'refused', reason: 'not-allowed' };
  if (f.status !== 'open') return { kind: 'refused', reason: 'not-open' };
  if (!outcomeChoices(f).includes(outcome)) return { kind: 'refused', reason: 'not-an-option' };
  const iso = at.toISOString();
  const dueAt = nextDueAt(outcome, at);
  await records.addReferralEvent({
    at: iso,
    type: 'outcome',
    id: newId(),
    referralId: f.referral.id,
    clientId: client.id,
    mentorId: actor.id,
    outcome,
    note: asksForNote(outcome) && input.note !== null ? cleanNote(input.note) : null,
    dueAt,
  });
  let confirmingTest: string | null = null;
  const source = f.referral.source;
  if (outcome === 'positive' && source.kind === 'infant-test') {
    const referral: ReferralEvent = {
      at: iso,
      type: 'referral',
      id: newId(),
      clientId: client.id,
      mentorId: actor.id,
      teamId: client.teamId,
      source: { kind: 'infant-test', test: source.test },
      urgency: 'urgent',
      dueAt: new Date(at.getTime() + CONFIRM_POSITIVE_DAYS * DAY).toISOString(),
    };
    await records.addReferralEvent(referral);
    confirmingTest = referral.id;
  }
  return { kind: 'recorded', closed: closesFollowUp(outcome), dueAt, confirmingTest };
}

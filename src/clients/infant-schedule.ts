import type { StoreView } from '../store/port.js';
import { type Actor, mayActOn } from './access.js';
import { infantTestDueAt } from './follow-up.js';
import type { ClientRecordsPort, FollowUp } from './records.js';
import { type Client, INFANT_TESTS, type ReferralEvent } from './types.js';

const birthOf = (client: Client): Date | null =>
  client.birthDate ? new Date(`${client.birthDate}T00:00:00Z`) : null;

/** A baby marked HIV-exposed, or linked to a mother living with HIV. */
export function isHivExposedInfant(client: Client, mother: Client | undefined): boolean {
  return client.groups.includes('hiv_exposed_infant') || mother?.groups.includes('living_with_hiv') === true;
}

/** The test schedule of an HIV-exposed baby as referrals (pure); none without a date of birth. */
export function infantTestReferrals(
  client: Client,
  mother: Client | undefined,
  at: Date,
  newId: () => string,
): ReferralEvent[] {
  const birth = birthOf(client);
  if (!birth || !isHivExposedInfant(client, mother)) return [];
  const weaned = client.breastfeedingEndedAt ? new Date(`${client.breastfeedingEndedAt}T00:00:00Z`) : null;
  return INFANT_TESTS.map((test) => {
    const due = infantTestDueAt(test, birth, weaned);
    return {
      at: at.toISOString(),
      type: 'referral',
      id: newId(),
      clientId: client.id,
      mentorId: client.mentorId,
      teamId: client.teamId,
      source: { kind: 'infant-test', test },
      urgency: 'routine',
      dueAt: due ? due.toISOString() : null,
    };
  });
}

/** Puts an HIV-exposed baby's tests on her mentor's follow-up list; how many were added. */
export async function scheduleInfantTests(
  store: Pick<StoreView, 'clients'>,
  records: ClientRecordsPort,
  client: Client,
  at: Date,
  newId: () => string,
): Promise<number> {
  const mother = client.motherId ? await store.clients.get(client.motherId) : undefined;
  const referrals = infantTestReferrals(client, mother, at, newId);
  for (const r of referrals) await records.addReferralEvent(r);
  return referrals.length;
}

const isWaitingFinalTest = (f: FollowUp): boolean =>
  f.status === 'pending' &&
  f.referral.source.kind === 'infant-test' &&
  f.referral.source.test === 'final_antibody';

/** "Breastfeeding has ended" is offered for a baby on the test schedule (or marked exposed) not yet weaned. */
export function offersWeaning(client: Client, followUps: readonly FollowUp[]): boolean {
  if (client.breastfeedingEndedAt) return false;
  const onSchedule = followUps.some((f) => f.referral.source.kind === 'infant-test');
  return onSchedule || client.groups.includes('hiv_exposed_infant');
}

export type WeaningResult =
  | { kind: 'recorded'; finalDueAt: string | null; scheduled: number }
  | { kind: 'refused'; reason: 'not-allowed' | 'already-recorded' };

/**
 * Breastfeeding ended today: the date goes on the client, and the final test waiting for it gets its date (the
 * later of 18 months of age and 3 months after weaning). A baby not yet on the schedule gets it now.
 */
export async function recordWeaning(
  store: Pick<StoreView, 'clients'>,
  records: ClientRecordsPort,
  input: { actor: Actor; client: Client; at: Date; newId: () => string },
): Promise<WeaningResult> {
  const { actor, client, at, newId } = input;
  if (!mayActOn(actor, client)) return { kind: 'refused', reason: 'not-allowed' };
  if (client.breastfeedingEndedAt) return { kind: 'refused', reason: 'already-recorded' };
  const updated: Client = { ...client, breastfeedingEndedAt: at.toISOString().slice(0, 10) };
  await store.clients.put(updated);
  const followUps = records.followUpsOf(client.id);
  const waiting = followUps.find(isWaitingFinalTest);
  const birth = birthOf(client);
  if (waiting && birth) {
    const due = infantTestDueAt('final_antibody', birth, at)?.toISOString() ?? null;
    await records.addReferralEvent({
      at: at.toISOString(),
      type: 'outcome',
      id: newId(),
      referralId: waiting.referral.id,
      clientId: client.id,
      mentorId: actor.id,
      outcome: 'not_yet',
      note: null,
      dueAt: due,
    });
    return { kind: 'recorded', finalDueAt: due, scheduled: 0 };
  }
  const onSchedule = followUps.some((f) => f.referral.source.kind === 'infant-test');
  const scheduled = onSchedule ? 0 : await scheduleInfantTests(store, records, updated, at, newId);
  const final = records
    .followUpsOf(client.id)
    .find((f) => f.referral.source.kind === 'infant-test' && f.referral.source.test === 'final_antibody');
  return { kind: 'recorded', finalDueAt: scheduled > 0 ? (final?.dueAt ?? null) : null, scheduled };
}

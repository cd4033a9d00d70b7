import { type Actor, mayActOn } from './access.js';
import type { ClientRecordsPort, RecordsReader } from './records.js';
import type { Client, ScreeningRecord } from './types.js';

export const MIN_VOID_REASON = 3;
export const MAX_VOID_REASON = 200;

/** A client's screenings that can still be voided, newest first. */
export function voidableScreenings(records: RecordsReader, clientId: string): ScreeningRecord[] {
  return records.history(clientId).filter((s) => !records.isVoided(s.id));
}

/** The reason as kept (a few words, short), or null when it is too short to say anything. */
export function cleanVoidReason(text: string): string | null {
  const reason = text.trim().slice(0, MAX_VOID_REASON);
  return reason.length >= MIN_VOID_REASON ? reason : null;
}

export type VoidResult =
  | { kind: 'voided' }
  | { kind: 'refused'; reason: 'not-allowed' | 'not-voidable' | 'no-reason' };

/**
 * Voids a mistaken screening of her own client, with her reason (ClientRecordsPort.voidScreening cancels its open
 * follow-ups and writes the audit line). The screening itself stays in the journal, marked voided.
 */
export async function voidMistakenScreening(
  records: ClientRecordsPort,
  input: { actor: Actor; client: Client; screeningId: string; reason: string; at: Date; id: string },
): Promise<VoidResult> {
  const { actor, client, screeningId } = input;
  if (!mayActOn(actor, client)) return { kind: 'refused', reason: 'not-allowed' };
  const screening = records.screening(screeningId);
  if (!screening || screening.clientId !== client.id || records.isVoided(screening.id)) {
    return { kind: 'refused', reason: 'not-voidable' };
  }
  const reason = cleanVoidReason(input.reason);
  if (!reason) return { kind: 'refused', reason: 'no-reason' };
  await records.voidScreening({
    at: input.at.toISOString(),
    type: 'void',
    id: input.id,
    screeningId: screening.id,
    clientId: client.id,
    mentorId: actor.id,
    reason,
  });
  return { kind: 'voided' };
}

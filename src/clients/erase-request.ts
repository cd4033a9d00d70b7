import type { StoreView } from '../store/port.js';
import { type Actor, mayActOn } from './access.js';
import type { ClientRecordsPort } from './records.js';
import type { Client } from './types.js';

const compact = (code: string): string => code.toUpperCase().replace(/[\s-]/g, '');

/** Erasing is confirmed by typing the client's code (case, spaces and dashes do not matter). */
export const confirmsErasure = (typed: string, client: Client): boolean =>
  compact(typed) !== '' && compact(typed) === compact(client.code);

export type EraseResult = { kind: 'erased'; unlinked: number } | { kind: 'refused'; reason: 'not-allowed' };

/**
 * Erasure at the client's request, by her own mentor, within the caller's unit of work: the client record and her
 * journal records go (ClientRecordsPort.eraseClient stages both, with an audit line naming no client), and
 * children linked to her as their mother are unlinked, so no record points at someone who no longer exists.
 */
export async function eraseOnRequest(
  store: Pick<StoreView, 'clients'>,
  records: ClientRecordsPort,
  input: { actor: Actor; client: Client; at: Date },
): Promise<EraseResult> {
  const { actor, client } = input;
  if (!mayActOn(actor, client)) return { kind: 'refused', reason: 'not-allowed' };
  const family = await store.clients.list(
    client.teamId ? { teamId: client.teamId } : { mentorId: client.mentorId },
  );
  const children = family.filter((c) => c.motherId === client.id);
  for (const child of children) await store.clients.put({ ...child, motherId: null });
  await records.eraseClient(client.id, actor.id, input.at.toISOString());
  return { kind: 'erased', unlinked: children.length };
}

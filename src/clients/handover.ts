import type { User } from '../accounts/types.js';
import type { AuditRecord, StoreView } from '../store/port.js';
import type { Actor } from './access.js';
import type { RecordsReader } from './records.js';

/**
 * A supervisor hands the clients of a Mentor Mother of her team (one who leaves, or is away) to another active
 * Mentor Mother of the same team. Never across teams, never to oneself.
 */
export function mayHandOver(actor: Actor | null | undefined, from: User, to: User): boolean {
  if (actor?.role !== 'supervisor' || !actor.active || actor.teamId === null) return false;
  const inTeam = (u: User) => u.role === 'mentor' && u.teamId === actor.teamId;
  return inTeam(from) && inTeam(to) && to.active && from.id !== to.id;
}

export type HandoverResult =
  | { kind: 'done'; clients: number; followUps: number }
  | { kind: 'refused'; reason: 'not-allowed' | 'nothing-to-hand-over' };

/**
 * Moves every client of `from` in the supervisor's team to `to`, within the caller's unit of work. A follow-up is
 * the client's: whoever follows the client now has her open (and waiting) follow-ups on her list and in her
 * reminders, so they move with her. The audit log says who moved how many, from whom to whom.
 */
export async function handOverClients(
  store: StoreView,
  records: RecordsReader,
  input: { actor: Actor; from: User; to: User; at: Date },
): Promise<HandoverResult> {
  const { actor, from, to, at } = input;
  if (!mayHandOver(actor, from, to)) return { kind: 'refused', reason: 'not-allowed' };
  const clients = (await store.clients.list({ mentorId: from.id })).filter((c) => c.teamId === actor.teamId);
  if (clients.length === 0) return { kind: 'refused', reason: 'nothing-to-hand-over' };
  let followUps = 0;
  for (const client of clients) {
    await store.clients.put({ ...client, mentorId: to.id });
    followUps += records.followUpsOf(client.id).filter((f) => f.status !== 'closed').length;
  }
  await store.journal<AuditRecord>('audit').append({
    at: at.toISOString(),
    actor: actor.id,
    action: 'clients.handed_over',
    detail: { from: from.id, to: to.id, count: clients.length, followUps },
  });
  return { kind: 'done', clients: clients.length, followUps };
}

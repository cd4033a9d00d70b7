import type { User } from '../accounts/types.js';
import type { StoreView } from '../store/port.js';
import type { Client } from './types.js';

/** Who is asking: only what the access rules look at. */
export type Actor = Pick<User, 'id' | 'role' | 'teamId' | 'active'>;

/**
 * What a person may do with a client's records: `act` (see, screen, record, void, erase), `read` (see only) or
 * nothing. A Mentor Mother acts on her own clients only; a supervisor reads her own team's clients (and hands a
 * mentor's clients over, see handover.ts); nobody else reaches a client, whatever ids she sends.
 */
export type ClientAccess = 'act' | 'read' | null;

export function clientAccess(actor: Actor | null | undefined, client: Client): ClientAccess {
  if (!actor?.active) return null;
  switch (actor.role) {
    case 'mentor':
      return client.mentorId === actor.id ? 'act' : null;
    case 'supervisor':
      return actor.teamId !== null && client.teamId === actor.teamId ? 'read' : null;
    default:
      return null;
  }
}

export const mayActOn = (actor: Actor | null | undefined, client: Client): boolean =>
  clientAccess(actor, client) === 'act';

export const mayRead = (actor: Actor | null | undefined, client: Client): boolean =>
  clientAccess(actor, client) !== null;

/** A client by id if this person may do `need` with her; undefined when she is gone or not reachable. */
export async function reachableClient(
  store: Pick<StoreView, 'clients'>,
  actor: Actor | null | undefined,
  clientId: string | undefined,
  need: 'act' | 'read',
): Promise<Client | undefined> {
  if (!clientId) return undefined;
  const client = await store.clients.get(clientId);
  if (!client) return undefined;
  return (need === 'act' ? mayActOn(actor, client) : mayRead(actor, client)) ? client : undefined;
}

/** The Mentor Mothers of a supervisor's team (active or not: a leaving mentor's clients are still hers). */
export function teamMentors(users: readonly User[], supervisor: Actor | null | undefined): User[] {
  if (supervisor?.role !== 'supervisor' || !supervisor.active || supervisor.teamId === null) return [];
  return users.filter((u) => u.role === 'mentor' && u.teamId === supervisor.teamId);
}

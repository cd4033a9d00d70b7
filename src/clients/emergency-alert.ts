import type { Team, User } from '../accounts/types.js';
import type { StoreView } from '../store/port.js';

/**
 * Whether `supervisor` is alerted of an emergency of `mentor`: an active supervisor of her team (not the mentor
 * herself). A team may have several supervisors (invites.ts): each active one is alerted. Nobody else: alerts name
 * a client's code.
 */
export function alertRecipient(
  mentor: User,
  team: Team | undefined,
  supervisor: User | undefined,
): User | null {
  if (!mentor.teamId || !team || team.id !== mentor.teamId) return null;
  if (!supervisor || supervisor.role !== 'supervisor' || supervisor.teamId !== team.id) return null;
  if (!supervisor.active || supervisor.id === mentor.id) return null;
  return supervisor;
}

/** Every supervisor to alert for her emergency: the team's lead supervisor first, then the others by join date. */
export function alertRecipients(mentor: User, team: Team | undefined, users: readonly User[]): User[] {
  return users
    .filter((u) => alertRecipient(mentor, team, u) !== null)
    .sort(
      (a, b) =>
        Number(b.id === team?.supervisorId) - Number(a.id === team?.supervisorId) ||
        a.createdAt.localeCompare(b.createdAt),
    );
}

/** The supervisors to alert for her emergency, read within the caller's unit of work; empty when there is none. */
export async function supervisorsToAlert(
  store: Pick<StoreView, 'teams' | 'users'>,
  mentor: User,
): Promise<User[]> {
  const team = mentor.teamId ? await store.teams.get(mentor.teamId) : undefined;
  if (!team) return [];
  return alertRecipients(mentor, team, await store.users.list());
}

/** The first supervisor to alert (the lead), or null. */
export async function supervisorToAlert(
  store: Pick<StoreView, 'teams' | 'users'>,
  mentor: User,
): Promise<User | null> {
  return (await supervisorsToAlert(store, mentor))[0] ?? null;
}

/** The tag of an emergency alert push; its data holds ids only (never a client's code or answers). */
export const ALERT_TAG = 'alert';

/** `supervisors`: every supervisor alerted for this screening, comma-separated (the escalation waits for all). */
export type AlertData = Record<string, string> & { supervisorId: string; screeningId: string };

export const alertData = (supervisorId: string, screeningId: string, all?: readonly string[]): AlertData => ({
  supervisorId,
  screeningId,
  ...(all && all.length > 1 ? { supervisors: all.join(',') } : {}),
});

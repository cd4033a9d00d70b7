import type { Team, User } from '../accounts/types.js';
import type { StoreView } from '../store/port.js';

/**
 * Who is alerted when a screening finds an emergency: the supervisor of her team, if the team has one who is
 * in the bot and active (and is not the mentor herself). Nobody else: alerts name a client's code.
 */
export function alertRecipient(
  mentor: User,
  team: Team | undefined,
  supervisor: User | undefined,
): User | null {
  if (!mentor.teamId || !team || team.id !== mentor.teamId) return null;
  if (!supervisor || supervisor.id !== team.supervisorId) return null;
  if (!supervisor.active || supervisor.id === mentor.id) return null;
  return supervisor;
}

/** The supervisor to alert for her emergency, read within the caller's unit of work; null when there is none. */
export async function supervisorToAlert(
  store: Pick<StoreView, 'teams' | 'users'>,
  mentor: User,
): Promise<User | null> {
  const team = mentor.teamId ? await store.teams.get(mentor.teamId) : undefined;
  const supervisor = team?.supervisorId ? await store.users.get(team.supervisorId) : undefined;
  return alertRecipient(mentor, team, supervisor);
}

/** The tag of an emergency alert push; its data holds ids only (never a client's code or answers). */
export const ALERT_TAG = 'alert';

export interface AlertData {
  supervisorId: string;
  screeningId: string;
  [key: string]: string;
}

export const alertData = (supervisorId: string, screeningId: string): AlertData => ({
  supervisorId,
  screeningId,
});

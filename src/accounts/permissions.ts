import { assertNever } from '../core/assert-never.js';
import type { Role, User } from './types.js';

/** Which roles a person may invite: admins anyone, supervisors mentors into their own team, others nobody. */
export function invitableRoles(actor: User): Role[] {
  switch (actor.role) {
    case 'admin':
      return ['mentor', 'supervisor', 'trainer', 'admin'];
    case 'supervisor':
      return actor.teamId ? ['mentor'] : [];
    case 'mentor':
    case 'trainer':
      return [];
    default:
      return assertNever(actor.role);
  }
}

export function mayInvite(actor: User, role: Role, teamId: string | null): boolean {
  if (!actor.active || !invitableRoles(actor).includes(role)) return false;
  if (actor.role === 'supervisor') return teamId === actor.teamId;
  return true;
}

export const mayManageUsers = (actor: User): boolean => actor.active && actor.role === 'admin';

/** Approving content (review records, questionnaire logic, danger signs, emergency numbers) needs the permission. */
export const mayApproveContent = (user: User): boolean => user.active && user.clinician === true;

import type { AuditRecord, StoreView } from '../store/port.js';
import { mayManageUsers } from './permissions.js';
import type { User } from './types.js';

export type SetActiveResult =
  | { ok: true; user: User; changed: boolean }
  | { ok: false; reason: 'notAllowed' | 'unknown' | 'self' };

/**
 * An admin deactivates (or reactivates) an account; a deactivated person gets no answer at all. Admins only, and
 * never her own account (so there is always an admin). Says what it should become rather than toggling, so a
 * message run again (or two admins at once) cannot undo it. Staged in `store` with an audit record.
 */
export async function setUserActive(
  store: StoreView,
  actor: User,
  targetId: string,
  active: boolean,
  at: Date,
): Promise<SetActiveResult> {
  if (!mayManageUsers(actor)) return { ok: false, reason: 'notAllowed' };
  if (targetId === actor.id) return { ok: false, reason: 'self' };
  const target = await store.users.get(targetId);
  if (!target) return { ok: false, reason: 'unknown' };
  if (target.active === active) return { ok: true, user: target, changed: false };
  const user: User = { ...target, active };
  await store.users.put(user);
  await store.journal<AuditRecord>('audit').append({
    at: at.toISOString(),
    actor: actor.id,
    action: active ? 'user.reactivated' : 'user.deactivated',
    target: target.id,
  });
  return { ok: true, user, changed: true };
}

export type SetClinicianResult =
  | { ok: true; user: User; changed: boolean }
  | { ok: false; reason: 'notAllowed' | 'unknown' | 'inactive' };

/**
 * An admin gives (or takes back) the clinician permission: approving content, whatever her role. Admins only; it
 * is not given to a deactivated account (taking it back always works). Like setUserActive it says what it should
 * become, so a message handled twice changes nothing more. Staged in `store` with an audit record.
 */
export async function setClinician(
  store: StoreView,
  actor: User,
  targetId: string,
  on: boolean,
  at: Date,
): Promise<SetClinicianResult> {
  if (!mayManageUsers(actor)) return { ok: false, reason: 'notAllowed' };
  const target = await store.users.get(targetId);
  if (!target) return { ok: false, reason: 'unknown' };
  if ((target.clinician === true) === on) return { ok: true, user: target, changed: false };
  if (on && !target.active) return { ok: false, reason: 'inactive' };
  // Absent means no: the key goes away rather than staying false.
  const { clinician: _was, ...rest } = target;
  const user: User = on ? { ...rest, clinician: true } : rest;
  await store.users.put(user);
  await store.journal<AuditRecord>('audit').append({
    at: at.toISOString(),
    actor: actor.id,
    action: on ? 'user.clinicianGiven' : 'user.clinicianTaken',
    target: target.id,
  });
  return { ok: true, user, changed: true };
}

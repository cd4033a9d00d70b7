import type { FlowServices } from '../core/services.js';
import type { AuditRecord, StoreView } from '../store/port.js';
import { makeInviteCode } from './invite-codes.js';
import { mayInvite, mayManageUsers } from './permissions.js';
import type { Invite, Role, Team, User } from './types.js';

export class InviteNotAllowedError extends Error {
  constructor(what: string) {
    super(`not allowed to invite a ${what}`);
    this.name = 'InviteNotAllowedError';
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

export interface InviteOptions {
  /** The new account may approve content; only an admin (or the operator's command line) may ask for it. */
  clinician?: boolean;
}

/** What making an invite needs besides the store: the time, random codes and how long codes live. */
export type InviteEnv = Pick<FlowServices, 'clock' | 'ids' | 'config'>;

/**
 * Creates a one-time invite code in `store`: a message's unit of work (committed with her reply) or the store
 * itself (committed at once). `actor` is the person inviting in chat, or null for the operator's command line
 * (which is how the first admin is made).
 */
export async function createInvite(
  store: StoreView,
  env: InviteEnv,
  actor: User | null,
  role: Role,
  teamId: string | null,
  options: InviteOptions = {},
): Promise<Invite> {
  if (actor && !mayInvite(actor, role, teamId)) throw new InviteNotAllowedError(role);
  if (options.clinician && actor && !mayManageUsers(actor))
    throw new InviteNotAllowedError(`${role} (clinician)`);
  const now = env.clock.now();
  let code = makeInviteCode(env.ids.bytes(8));
  // Reading a code that is absent makes the write expect it still absent: two units cannot both take one code.
  while (await store.invites.get(code)) code = makeInviteCode(env.ids.bytes(8));
  const invite: Invite = {
    code,
    role,
    teamId,
    createdBy: actor?.id ?? null,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + env.config.INVITE_TTL_DAYS * DAY_MS).toISOString(),
    usedBy: null,
    usedAt: null,
    ...(options.clinician ? { clinician: true } : {}),
  };
  await store.invites.put(invite);
  await store.journal<AuditRecord>('audit').append({
    at: invite.createdAt,
    actor: actor?.id ?? 'cli',
    action: 'invite.created',
    detail: { role, team: teamId, ...(invite.clinician ? { clinician: true } : {}) },
  });
  return invite;
}

export type InviteStatus = 'valid' | 'unknown' | 'expired' | 'used';

export function inviteStatus(invite: Invite | undefined, now: Date): InviteStatus {
  if (!invite) return 'unknown';
  if (invite.usedBy) return 'used';
  if (Date.parse(invite.expiresAt) <= now.getTime()) return 'expired';
  return 'valid';
}

export type RedeemResult =
  | {
      ok: true;
      user: User;
      invite: Invite;
      team: Team | undefined;
      /** The team's other active supervisors (a supervisor's invite): they are told she joined them. */
      coSupervisors: User[];
    }
  | { ok: false; reason: Exclude<InviteStatus, 'valid'> };

/**
 * Registers `candidate` with an invite code: she gets the invite's role and team (and the clinician permission when
 * the invite gives it), and the code is used up. A supervisor's invite makes her one of the team's supervisors; she
 * becomes its lead (`team.supervisorId`) only when
 * it has no active one, so a second supervisor never replaces the first. Everything is staged in `store`; the invite was read
 * there before it is written, so when two people race for one code only the first unit to commit wins and the
 * other fails its optimistic check (ConflictError). Run again, the other is told the code was used.
 */
export async function redeemInvite(
  store: StoreView,
  code: string,
  candidate: User,
  at: Date,
): Promise<RedeemResult> {
  const invite = await store.invites.get(code);
  const status = inviteStatus(invite, at);
  if (!invite || status !== 'valid') return { ok: false, reason: status === 'valid' ? 'unknown' : status };
  const used: Invite = { ...invite, usedBy: candidate.id, usedAt: at.toISOString() };
  const user: User = {
    ...candidate,
    role: invite.role,
    teamId: invite.teamId,
    invitedBy: invite.createdBy,
    ...(invite.clinician ? { clinician: true } : {}),
  };
  await store.invites.put(used);
  await store.users.put(user);
  let team = invite.teamId ? await store.teams.get(invite.teamId) : undefined;
  let coSupervisors: User[] = [];
  if (team && invite.role === 'supervisor') {
    // A team may have several supervisors: a new one joins those there are and never replaces them silently.
    // She leads the team only when it has no active lead; every active supervisor receives the team's alerts.
    const others = (await store.users.list()).filter(
      (u) => u.role === 'supervisor' && u.active && u.teamId === team?.id && u.id !== user.id,
    );
    coSupervisors = others;
    if (!others.some((u) => u.id === team?.supervisorId)) {
      team = { ...team, supervisorId: user.id };
      await store.teams.put(team);
    }
  }
  return { ok: true, user, invite: used, team, coSupervisors };
}

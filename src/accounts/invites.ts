import type { Services } from '../core/services.js';
import type { AuditRecord } from '../store/port.js';
import { makeInviteCode } from './invite-codes.js';
import { mayInvite } from './permissions.js';
import type { Invite, Role, User } from './types.js';

export class InviteNotAllowedError extends Error {
  constructor(role: Role) {
    super(`not allowed to invite a ${role}`);
    this.name = 'InviteNotAllowedError';
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates a one-time invite code. `actor` is the person inviting in chat, or null for the operator's command line
 * (which is how the first admin is made).
 */
export async function createInvite(
  services: Services,
  actor: User | null,
  role: Role,
  teamId: string | null,
): Promise<Invite> {
  if (actor && !mayInvite(actor, role, teamId)) throw new InviteNotAllowedError(role);
  const { store, clock, ids, config } = services;
  const now = clock.now();
  let code = makeInviteCode(ids.bytes(8));
  while (await store.invites.get(code)) code = makeInviteCode(ids.bytes(8));
  const invite: Invite = {
    code,
    role,
    teamId,
    createdBy: actor?.id ?? null,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + config.INVITE_TTL_DAYS * DAY_MS).toISOString(),
    usedBy: null,
    usedAt: null,
  };
  await store.invites.put(invite);
  await store.journal<AuditRecord>('audit').append({
    at: invite.createdAt,
    actor: actor?.id ?? 'cli',
    action: 'invite.created',
    detail: { role, team: teamId },
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

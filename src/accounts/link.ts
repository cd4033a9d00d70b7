import type { AuditRecord, StoreView } from '../store/port.js';
import { makeInviteCode } from './invite-codes.js';
import type { User } from './types.js';

/** How long a /link code works. */
export const LINK_TTL_MS = 15 * 60_000;

/** A link code as stored: upper case, without spaces or dashes. */
export const normaliseLinkCode = (text: string): string => text.toUpperCase().replace(/[\s-]/g, '');

/** Gives her a short-lived code (as shown, XXXX-XXXX) that joins another chat to her account; staged in `store`. */
export async function issueLinkCode(
  store: StoreView,
  userId: string,
  randomBytes: Uint8Array,
  at: Date,
): Promise<{ code: string; user: User } | null> {
  const current = await store.users.get(userId);
  if (!current?.active) return null;
  const code = makeInviteCode(randomBytes);
  const user: User = {
    ...current,
    link: { code: normaliseLinkCode(code), expiresAt: new Date(at.getTime() + LINK_TTL_MS).toISOString() },
  };
  await store.users.put(user);
  return { code, user };
}

/** The active account whose live link code this is, if any. */
export async function linkCodeOwner(store: StoreView, typed: string, at: Date): Promise<User | undefined> {
  const code = normaliseLinkCode(typed);
  if (!code) return undefined;
  const live = (u: User): boolean =>
    u.active && u.link?.code === code && Date.parse(u.link.expiresAt) > at.getTime();
  const found = (await store.users.list()).find(live);
  // Read again by id, so a write that uses the code up expects it unchanged: a code works once.
  const owner = found ? await store.users.get(found.id) : undefined;
  return owner && live(owner) ? owner : undefined;
}

/**
 * Joins the chat at `address` to the account whose live code was typed; the code is used up. Staged in `store`
 * with an audit record. Null when no live code matches.
 */
export async function redeemLinkCode(
  store: StoreView,
  typed: string,
  address: string,
  channel: string,
  at: Date,
): Promise<User | null> {
  const owner = await linkCodeOwner(store, typed, at);
  if (!owner) return null;
  const linked: User = {
    ...owner,
    addresses: [...new Set([...owner.addresses, address])],
    lastAddress: address,
    link: null,
  };
  await store.users.put(linked);
  await store.journal<AuditRecord>('audit').append({
    at: at.toISOString(),
    actor: owner.id,
    action: 'user.channel_linked',
    detail: { channel },
  });
  return linked;
}

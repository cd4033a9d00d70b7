import type { Ids } from '../core/clock.js';
import type { ClientGroup } from '../screening/schema.js';
import type { StoreView } from '../store/port.js';
import { makeClientCode } from './client-code.js';
import type { Client } from './types.js';

/** Groups that make a client a child (linked to a mother, maybe with a birth date). */
const CHILD_GROUPS: readonly ClientGroup[] = ['child', 'infant', 'hiv_exposed_infant'];
/** The oldest age a year of birth may give. */
const MAX_AGE = 110;

/** The years of birth she may type, this year included. */
export const birthYearRange = (now: Date): { min: number; max: number } => ({
  min: now.getUTCFullYear() - MAX_AGE,
  max: now.getUTCFullYear(),
});

/** A typed year of birth, or null when it is not one in the range. */
export function parseBirthYear(text: string, now: Date): number | null {
  const value = Number(text.trim());
  const { min, max } = birthYearRange(now);
  return Number.isInteger(value) && value >= min && value <= max ? value : null;
}

/** A child (by group, or under five) is asked for her mother among the mentor's clients. */
export const needsMother = (groups: readonly ClientGroup[], birthYear: number, now: Date): boolean =>
  groups.some((g) => CHILD_GROUPS.includes(g)) || now.getUTCFullYear() - birthYear < 5;

/** A baby (two or younger by year) needs a date of birth: the infant test schedule is counted from it. */
export const needsBirthDate = (birthYear: number, now: Date): boolean =>
  now.getUTCFullYear() - birthYear <= 2;

/** A typed date of birth (YYYY-MM-DD) in the year of birth she gave and not in the future, or null. */
export function parseBirthDate(text: string, birthYear: number, now: Date): string | null {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return null;
  const date = new Date(`${trimmed}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== trimmed) return null;
  if (date > now || date.getUTCFullYear() !== birthYear) return null;
  return trimmed;
}

/** Who may be linked as a child's mother: the mentor's female clients of twelve or older. */
export const possibleMothers = (clients: readonly Client[], now: Date): Client[] =>
  clients.filter((c) => c.sex === 'female' && now.getUTCFullYear() - c.birthYear >= 12);

/** A new code not used by any client yet (codes are read aloud and written in registers: unique overall). */
export async function uniqueClientCode(
  store: Pick<StoreView, 'clients'>,
  ids: Pick<Ids, 'bytes'>,
): Promise<string> {
  const taken = new Set((await store.clients.list({})).map((c) => c.code));
  let code = makeClientCode(ids.bytes(6));
  while (taken.has(code)) code = makeClientCode(ids.bytes(6));
  return code;
}

/** What registration gathered about her (with her consent, under a code: no name, no phone number). */
export interface ClientDraft {
  code: string;
  birthYear: number;
  sex: 'female' | 'male';
  groups: ClientGroup[];
  motherId: string | null;
  birthDate: string | null;
}

/** The client record of a registration she consented to. */
export function newClient(
  draft: ClientDraft,
  mentor: { id: string; teamId: string | null },
  id: string,
  now: Date,
): Client {
  const at = now.toISOString();
  return {
    id,
    code: draft.code,
    mentorId: mentor.id,
    teamId: mentor.teamId,
    birthYear: draft.birthYear,
    birthDate: draft.birthDate,
    sex: draft.sex,
    groups: [...draft.groups],
    motherId: draft.motherId,
    consent: true,
    consentAt: at,
    breastfeedingEndedAt: null,
    createdAt: at,
  };
}

export const ROLES = ['mentor', 'supervisor', 'trainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const LANGUAGES = ['en', 'pt', 'sw', 'st', 'ny'] as const;
export type Lang = (typeof LANGUAGES)[number];

export const isLang = (value: unknown): value is Lang => LANGUAGES.includes(value as Lang);

export interface User {
  id: string;
  role: Role;
  name: string;
  lang: Lang;
  teamId: string | null;
  active: boolean;
  /** Channel addresses (`telegram:123`) that reach this person; several once she links channels. */
  addresses: string[];
  /** The address she wrote from last: where messages the bot starts are sent first. */
  lastAddress: string | null;
  createdAt: string;
  invitedBy: string | null;
  /**
   * May approve content (review records, questionnaire logic, danger signs, emergency numbers): a permission an
   * admin gives to a trainer or to a new account, apart from the role. Absent means no.
   */
  clinician?: boolean;
  /** A short-lived code that joins another channel to this account (/link); absent when none is pending. */
  link?: { code: string; expiresAt: string } | null;
}

export interface Team {
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** IANA timezone, e.g. Africa/Blantyre. */
  timezone: string;
  supervisorId: string | null;
  createdAt: string;
}

export interface Invite {
  code: string;
  role: Role;
  teamId: string | null;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  usedBy: string | null;
  usedAt: string | null;
  /** The account made with it may approve content (see `User.clinician`); only an admin makes such an invite. */
  clinician?: boolean;
}

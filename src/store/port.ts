import type { Invite, Team, User } from '../accounts/types.js';
import type { Client } from '../clients/types.js';
import type { Session } from '../core/session.js';
import type { ModuleProgress } from '../features/training/progress.js';

/**
 * The store the app talks to. Free of storage details: the embedded lowdb + journals adapter implements it
 * today and a PostgreSQL adapter can implement it later. Every method is async for that reason.
 */
export interface Store {
  readonly users: UserRepo;
  readonly teams: TeamRepo;
  readonly invites: InviteRepo;
  readonly sessions: SessionRepo;
  readonly progress: ProgressRepo;
  readonly clients: ClientRepo;
  journal<T extends JournalRecord>(name: JournalName): Journal<T>;
  /** Registers a person with an invite code, all or nothing. */
  redeemInvite(code: string, user: User, at: Date): Promise<RedeemResult>;
  /** Writes everything still held in memory (write-behind conversation state). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export type RedeemResult =
  | { ok: true; user: User; invite: Invite }
  | { ok: false; reason: 'unknown' | 'expired' | 'used' };

export interface UserRepo {
  get(id: string): Promise<User | undefined>;
  byAddress(address: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  put(user: User): Promise<void>;
}

export interface TeamRepo {
  get(id: string): Promise<Team | undefined>;
  byName(name: string): Promise<Team | undefined>;
  list(): Promise<Team[]>;
  put(team: Team): Promise<void>;
}

export interface InviteRepo {
  get(code: string): Promise<Invite | undefined>;
  put(invite: Invite): Promise<void>;
}

export interface ProgressRepo {
  get(userId: string, moduleId: string): Promise<ModuleProgress | undefined>;
  byUser(userId: string): Promise<ModuleProgress[]>;
  put(progress: ModuleProgress): Promise<void>;
}

export interface ClientRepo {
  get(id: string): Promise<Client | undefined>;
  list(filter: { mentorId?: string; teamId?: string }): Promise<Client[]>;
  put(client: Client): Promise<void>;
  /** Removes a client for good (erasure on request); her journal records are rewritten by the caller. */
  remove(id: string): Promise<void>;
}

export interface SessionRepo {
  get(address: string): Promise<Session | undefined>;
  /** May be written behind (coalesced): conversation state is cheap to lose, records are not. */
  set(address: string, session: Session): Promise<void>;
  delete(address: string): Promise<void>;
}

/** Records that grow without bound: one JSON object per line, one file per month, append only. */
export const JOURNALS = ['audit', 'screenings', 'referrals', 'training', 'gaps', 'feedback'] as const;
export type JournalName = (typeof JOURNALS)[number];

export interface JournalRecord {
  /** ISO timestamp; decides the month file. */
  at: string;
}

export interface Journal<T extends JournalRecord> {
  /** Resolves once the record is on disk (fsync); only then may the user be told it is saved. */
  append(record: T): Promise<void>;
  /** Every record, oldest first, as read at start-up plus what was appended since. */
  all(): readonly T[];
  /** Removes records for good (erasure on request), rewriting the affected files by atomic replace. */
  remove(predicate: (record: T) => boolean): Promise<number>;
  /** Replaces records (null removes): erasure keeps anonymous counts. Rewrites only the files that change. */
  rewrite(transform: (record: T) => T | null): Promise<number>;
}

export interface AuditRecord extends JournalRecord {
  actor: string | null;
  action: string;
  target?: string;
  detail?: Record<string, string | number | boolean | null>;
}

export class StoreLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another bot process (pid ${pid}) is using DATA_DIR ${dataDir}. ` +
        'Stop it first, or use a different DATA_DIR. Read-only commands (search, screen, content, gaps) can run beside it.',
    );
    this.name = 'StoreLockedError';
  }
}

import type { Invite, Team, User } from '../accounts/types.js';
import type { Client } from '../clients/types.js';
import type { Session } from '../core/session.js';
import type { ModuleProgress } from '../features/training/progress.js';

/**
 * What a message (or a command) may read and stage: the same repositories over committed state, with writes that
 * take effect only when the unit they belong to is committed. The store itself is a view whose writes commit at
 * once; a `UnitOfWork` is a view whose writes wait for `commit()`.
 */
export interface StoreView {
  readonly users: UserRepo;
  readonly teams: TeamRepo;
  readonly invites: InviteRepo;
  readonly progress: ProgressRepo;
  readonly clients: ClientRepo;
  journal<T extends JournalRecord>(name: JournalName): Journal<T>;
}

/**
 * The store the app talks to. Free of storage details: the embedded lowdb + journals adapter implements it
 * today and a PostgreSQL adapter can implement it later. Every method is async for that reason.
 */
export interface Store extends StoreView {
  readonly sessions: SessionRepo;
  /**
   * Commits a unit of work: every change or none. Resolves once the unit is durable (on the embedded store: one
   * fsynced write-ahead line). Rejects with `ConflictError` when a change's `expect` no longer holds.
   */
  commit(changes: readonly Change[]): Promise<void>;
  /** Called after every durable commit, in commit order (read models such as the client records index). */
  onCommit(listener: (changes: readonly Change[]) => void): () => void;
  /** Writes everything still held in memory (checkpoint). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const COLLECTIONS = ['users', 'teams', 'invites', 'progress', 'clients'] as const;
export type Collection = (typeof COLLECTIONS)[number];

/** One change of a unit of work. Plain data, so a unit can be written to a log and replayed after a crash. */
export type Change =
  | {
      kind: 'put';
      collection: Collection;
      key: string;
      value: unknown;
      /** Optimistic check: the JSON of the value this unit read (null: it was absent). Omitted: a blind write. */
      expect?: string | null;
    }
  | { kind: 'delete'; collection: Collection; key: string; expect?: string | null }
  | { kind: 'append'; journal: JournalName; record: JournalRecord }
  /** A named rewrite of journal records registered by a domain module (e.g. erasure of a client on request). */
  | { kind: 'rewrite'; rule: string; arg: string }
  | { kind: 'session'; address: string; session: Session | null };

/**
 * Rewrites a domain registers with the store: for a rule's argument, per journal, what becomes of each record, and
 * what becomes of each stored conversation (`sessions`), so that no copy is left anywhere the store keeps one.
 */
export type RewriteRule = (arg: string) => Partial<
  Record<JournalName, (record: JournalRecord) => JournalRecord | null>
> & {
  sessions?: (session: unknown) => unknown;
};

/** A unit's optimistic check failed: someone else changed what it read. The caller runs the message again. */
export class ConflictError extends Error {
  constructor(
    readonly collection: Collection,
    readonly key: string,
  ) {
    super(`conflict on ${collection} ${key}`);
    this.name = 'ConflictError';
  }
}

/** The key of a progress record: one per person and module. */
export const progressKey = (userId: string, moduleId: string): string => `${userId}|${moduleId}`;

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
  /** Removes a client for good (erasure on request); her journal records go by the erasure rewrite. */
  remove(id: string): Promise<void>;
}

export interface SessionRepo {
  /** As stored: possibly written by an older release, so the engine checks its shape before use. */
  get(address: string): Promise<unknown>;
  set(address: string, session: Session): Promise<void>;
  delete(address: string): Promise<void>;
  /** Addresses whose session was last touched before `before` (ISO time), for idle expiry. */
  idleSince(before: string): Promise<string[]>;
}

/** Records that grow without bound: one JSON object per line, one file per month, append only. */
export const JOURNALS = ['audit', 'screenings', 'referrals', 'training', 'gaps', 'feedback'] as const;
export type JournalName = (typeof JOURNALS)[number];

export interface JournalRecord {
  /** ISO timestamp; decides the month file. */
  at: string;
}

/** Which records a query wants: a time range on `at` (from inclusive, to exclusive) and equal fields. */
export interface JournalQuery {
  from?: string;
  to?: string;
  /** Top-level fields that must equal these values (mentorId, clientId, teamId, actor, type...). */
  where?: Readonly<Record<string, string>>;
}

/** Whether a record is one a query wants (shared by every adapter, so they agree). */
export function matchesQuery(record: JournalRecord, query?: JournalQuery): boolean {
  if (!query) return true;
  if (query.from !== undefined && record.at < query.from) return false;
  if (query.to !== undefined && record.at >= query.to) return false;
  if (query.where) {
    const fields = record as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(query.where)) {
      if (value !== undefined && fields[field] !== value) return false;
    }
  }
  return true;
}

export interface Journal<T extends JournalRecord> {
  /**
   * On the store: resolves once the record is durable; only then may the user be told it is saved. In a unit of
   * work: staged, durable when the unit commits.
   */
  append(record: T): Promise<void>;
  /** Matching records, oldest first. */
  query(query?: JournalQuery): Promise<T[]>;
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

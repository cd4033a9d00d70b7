import type { Invite, Team, User } from '../accounts/types.js';
import type { Client } from '../clients/types.js';
import type { ModuleProgress } from '../features/training/progress.js';
import {
  type Change,
  type ClientRepo,
  type Collection,
  type InviteRepo,
  type Journal,
  type JournalName,
  type JournalQuery,
  type JournalRecord,
  matchesQuery,
  type ProgressRepo,
  progressKey,
  type Store,
  type StoreView,
  type TeamRepo,
  type UserRepo,
} from './port.js';

/** Deleted within this unit (a staged delete), as opposed to not staged at all (undefined). */
const DELETED = Symbol('deleted');
type Staged<T> = T | typeof DELETED;

/**
 * Everything one message (or one command) changes, staged in memory and committed together or not at all.
 * Reads see the unit's own staged writes over the committed state; nothing is visible to anyone else, and
 * nothing reaches the disk, until `commit()`. A value read and then written carries an optimistic check, so two
 * units racing for the same record (two people redeeming one invite code) cannot both win.
 */
export class UnitOfWork implements StoreView {
  readonly users: UserRepo;
  readonly teams: TeamRepo;
  readonly invites: InviteRepo;
  readonly progress: ProgressRepo;
  readonly clients: ClientRepo;

  private readonly staged = new Map<Collection, Map<string, Staged<unknown>>>();
  /** JSON of what this unit first read of a record (null: absent), for the optimistic check. */
  private readonly seen = new Map<string, string | null>();
  private readonly appended: { journal: JournalName; record: JournalRecord }[] = [];
  private readonly extra: Change[] = [];
  private readonly journals = new Map<JournalName, Journal<JournalRecord>>();
  private committed = false;

  constructor(private readonly base: Store) {
    this.users = {
      get: async (id) => this.read('users', id, () => base.users.get(id)),
      byAddress: async (address) => {
        const stagedUser = this.stagedValues<User>('users').find((u) => u.addresses.includes(address));
        if (stagedUser) return stagedUser;
        const found = await base.users.byAddress(address);
        if (!found) return undefined;
        return this.read('users', found.id, async () => found);
      },
      list: async () => this.merge('users', await base.users.list(), (u) => u.id),
      put: async (user) => this.stage('users', user.id, user),
    };
    this.teams = {
      get: async (id) => this.read('teams', id, () => base.teams.get(id)),
      byName: async (name) => {
        const wanted = name.trim().toLowerCase();
        return (await this.teams.list()).find((t) => t.name.toLowerCase() === wanted);
      },
      list: async () => this.merge<Team>('teams', await base.teams.list(), (t) => t.id),
      put: async (team) => this.stage('teams', team.id, team),
    };
    this.invites = {
      get: async (code) => this.read<Invite>('invites', code, () => base.invites.get(code)),
      put: async (invite) => this.stage('invites', invite.code, invite),
    };
    this.progress = {
      get: async (userId, moduleId) =>
        this.read<ModuleProgress>('progress', progressKey(userId, moduleId), () =>
          base.progress.get(userId, moduleId),
        ),
      byUser: async (userId) =>
        this.merge<ModuleProgress>('progress', await base.progress.byUser(userId), (p) =>
          progressKey(p.userId, p.moduleId),
        ).filter((p) => p.userId === userId),
      put: async (p) => this.stage('progress', progressKey(p.userId, p.moduleId), p),
    };
    this.clients = {
      get: async (id) => this.read<Client>('clients', id, () => base.clients.get(id)),
      list: async (filter) =>
        this.merge<Client>('clients', await base.clients.list(filter), (c) => c.id).filter(
          (c) =>
            (filter.mentorId === undefined || c.mentorId === filter.mentorId) &&
            (filter.teamId === undefined || c.teamId === filter.teamId),
        ),
      put: async (client) => this.stage('clients', client.id, client),
      remove: async (id) => {
        await this.clients.get(id);
        this.stagedMap('clients').set(id, DELETED);
      },
    };
  }

  journal<T extends JournalRecord>(name: JournalName): Journal<T> {
    let journal = this.journals.get(name);
    if (!journal) {
      const committed = this.base.journal<JournalRecord>(name);
      journal = {
        append: async (record) => {
          this.assertOpen();
          this.appended.push({ journal: name, record });
        },
        query: async (query?: JournalQuery) => {
          const own = this.appended
            .filter((a) => a.journal === name && matchesQuery(a.record, query))
            .map((a) => a.record);
          const all = [...(await committed.query(query)), ...own];
          return own.length > 0 ? all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)) : all;
        },
      };
      this.journals.set(name, journal);
    }
    return journal as unknown as Journal<T>;
  }

  /** Stages a change that is not a plain write (a named rewrite such as erasure, a session). */
  add(change: Change): void {
    this.assertOpen();
    this.extra.push(change);
  }

  /** Records this unit appended (read models use them to show what is about to be committed). */
  appendedTo<T extends JournalRecord>(name: JournalName): T[] {
    return this.appended.filter((a) => a.journal === name).map((a) => a.record as T);
  }

  get isEmpty(): boolean {
    return this.changes().length === 0;
  }

  /** The unit as plain changes, in a stable order: writes, then appends, then the rest. */
  changes(): Change[] {
    const out: Change[] = [];
    for (const [collection, map] of this.staged) {
      for (const [key, value] of map) {
        const seenKey = `${collection}|${key}`;
        const check = this.seen.has(seenKey) ? { expect: this.seen.get(seenKey) ?? null } : {};
        out.push(
          value === DELETED
            ? { kind: 'delete', collection, key, ...check }
            : { kind: 'put', collection, key, value, ...check },
        );
      }
    }
    for (const a of this.appended) out.push({ kind: 'append', journal: a.journal, record: a.record });
    out.push(...this.extra);
    return out;
  }

  /** Commits every staged change at once; the unit cannot be used after. */
  async commit(extra: Change[] = []): Promise<void> {
    this.assertOpen();
    this.committed = true;
    const changes = [...this.changes(), ...extra];
    if (changes.length > 0) await this.base.commit(changes);
  }

  private assertOpen(): void {
    if (this.committed) throw new Error('this unit of work was already committed');
  }

  private stagedMap(collection: Collection): Map<string, Staged<unknown>> {
    let map = this.staged.get(collection);
    if (!map) {
      map = new Map();
      this.staged.set(collection, map);
    }
    return map;
  }

  private stagedValues<T>(collection: Collection): T[] {
    return [...(this.staged.get(collection)?.values() ?? [])].filter((v): v is T => v !== DELETED);
  }

  private async read<T>(
    collection: Collection,
    key: string,
    load: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const staged = this.staged.get(collection)?.get(key);
    if (staged === DELETED) return undefined;
    if (staged !== undefined) return structuredClone(staged as T);
    const value = await load();
    const seenKey = `${collection}|${key}`;
    if (!this.seen.has(seenKey)) this.seen.set(seenKey, value === undefined ? null : JSON.stringify(value));
    // A copy: a flow that changes what it read must stage it, never edit the committed state in place.
    return value === undefined ? undefined : structuredClone(value);
  }

  private stage(collection: Collection, key: string, value: unknown): void {
    this.assertOpen();
    this.stagedMap(collection).set(key, structuredClone(value));
  }

  private merge<T>(collection: Collection, committed: T[], keyOf: (value: T) => string): T[] {
    const map = this.staged.get(collection);
    if (!map || map.size === 0) return committed;
    const out: T[] = [];
    const done = new Set<string>();
    for (const value of committed) {
      const key = keyOf(value);
      done.add(key);
      const staged = map.get(key);
      if (staged === DELETED) continue;
      out.push((staged ?? value) as T);
    }
    for (const [key, value] of map) if (!done.has(key) && value !== DELETED) out.push(value as T);
    return out;
  }
}

import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Team, User } from '../../accounts/types.js';
import type { Session } from '../../core/session.js';
import type {
  ClientRepo,
  InviteRepo,
  Journal,
  JournalName,
  JournalRecord,
  ProgressRepo,
  RedeemResult,
  SessionRepo,
  Store,
  TeamRepo,
  UserRepo,
} from '../port.js';
import { JOURNALS } from '../port.js';
import { ensureDir } from './atomic-file.js';
import { DurableJsonAdapter } from './durable-json-adapter.js';
import { JsonlJournal } from './jsonl-journal.js';
import { emptyState, migrateToLatest, type StateFile } from './migrations.js';
import { acquireLock } from './process-lock.js';

export interface LowdbStoreOptions {
  dataDir: string;
  /** Take the one-writer lock (the bot and record-changing commands); read-only commands do not. */
  lock: boolean;
  /** How long conversation state may wait in memory before it is written (coalescing bursts of messages). */
  sessionWriteDelayMs?: number;
  onTornLine?: (file: string) => void;
}

type SessionFile = Record<string, Session>;

/** The embedded default store: lowdb for small mutable state, JSON Lines journals for records that grow. */
export class LowdbStore implements Store {
  readonly users: UserRepo;
  readonly teams: TeamRepo;
  readonly invites: InviteRepo;
  readonly sessions: SessionRepo;
  readonly progress: ProgressRepo;
  readonly clients: ClientRepo;

  private readonly usersById = new Map<string, User>();
  private readonly usersByAddress = new Map<string, User>();
  private sessionTimer: NodeJS.Timeout | null = null;
  private sessionsDirty = false;
  private sessionWrite: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly state: Low<StateFile>,
    private readonly sessionDb: Low<SessionFile>,
    private readonly journals: Map<JournalName, JsonlJournal<JournalRecord>>,
    private readonly release: (() => Promise<void>) | null,
    private readonly sessionWriteDelayMs: number,
    readonly readOnly: boolean,
  ) {
    for (const user of state.data.users) this.indexUser(user);
    this.users = {
      get: async (id) => this.usersById.get(id),
      byAddress: async (address) => this.usersByAddress.get(address),
      list: async () => [...this.state.data.users],
      put: (user) => this.putUser(user),
    };
    this.teams = {
      get: async (id) => this.state.data.teams.find((t) => t.id === id),
      byName: async (name) => {
        const wanted = name.trim().toLowerCase();
        return this.state.data.teams.find((t) => t.name.toLowerCase() === wanted);
      },
      list: async () => [...this.state.data.teams],
      put: (team) => this.putTeam(team),
    };
    this.invites = {
      get: async (code) => this.state.data.invites.find((i) => i.code === code),
      put: async (invite) => {
        this.assertWritable();
        const list = this.state.data.invites;
        const at = list.findIndex((i) => i.code === invite.code);
        if (at >= 0) list[at] = invite;
        else list.push(invite);
        await this.state.write();
      },
    };
    this.progress = {
      get: async (userId, moduleId) =>
        this.state.data.progress.find((p) => p.userId === userId && p.moduleId === moduleId),
      byUser: async (userId) => this.state.data.progress.filter((p) => p.userId === userId),
      put: async (progress) => {
        this.assertWritable();
        const list = this.state.data.progress;
        const at = list.findIndex((p) => p.userId === progress.userId && p.moduleId === progress.moduleId);
        if (at >= 0) list[at] = progress;
        else list.push(progress);
        await this.state.write();
      },
    };
    this.clients = {
      get: async (id) => this.state.data.clients.find((c) => c.id === id),
      list: async ({ mentorId, teamId }) =>
        this.state.data.clients.filter(
          (c) =>
            (mentorId === undefined || c.mentorId === mentorId) &&
            (teamId === undefined || c.teamId === teamId),
        ),
      put: async (client) => {
        this.assertWritable();
        const list = this.state.data.clients;
        const at = list.findIndex((c) => c.id === client.id);
        if (at >= 0) list[at] = client;
        else list.push(client);
        await this.state.write();
      },
      remove: async (id) => {
        this.assertWritable();
        this.state.data.clients = this.state.data.clients.filter((c) => c.id !== id);
        await this.state.write();
      },
    };
    this.sessions = {
      get: async (address) => this.sessionDb.data[address],
      set: async (address, session) => {
        this.sessionDb.data[address] = session;
        this.scheduleSessionWrite();
      },
      delete: async (address) => {
        delete this.sessionDb.data[address];
        this.scheduleSessionWrite();
      },
    };
  }

  static async open(options: LowdbStoreOptions): Promise<LowdbStore> {
    await ensureDir(options.dataDir);
    const release = options.lock ? await acquireLock(options.dataDir) : null;
    try {
      const stateAdapter = new DurableJsonAdapter<StateFile>(join(options.dataDir, 'state.json'));
      const raw = await stateAdapter.read();
      const state = new Low<StateFile>(stateAdapter, emptyState());
      state.data = raw === null ? emptyState() : migrateToLatest(raw);
      if (options.lock && (raw === null || raw.schemaVersion !== state.data.schemaVersion))
        await state.write();

      const sessionDb = new Low<SessionFile>(
        new DurableJsonAdapter<SessionFile>(join(options.dataDir, 'sessions.json')),
        {},
      );
      await sessionDb.read();

      const journals = new Map<JournalName, JsonlJournal<JournalRecord>>();
      for (const name of JOURNALS) {
        journals.set(
          name,
          await JsonlJournal.open(join(options.dataDir, 'journals', name), options.onTornLine),
        );
      }
      return new LowdbStore(
        state,
        sessionDb,
        journals,
        release,
        options.sessionWriteDelayMs ?? 200,
        !options.lock,
      );
    } catch (error) {
      await release?.();
      throw error;
    }
  }

  journal<T extends JournalRecord>(name: JournalName): Journal<T> {
    const journal = this.journals.get(name);
    if (!journal) throw new Error(`unknown journal ${name}`);
    return journal as unknown as Journal<T>;
  }

  async redeemInvite(code: string, user: User, at: Date): Promise<RedeemResult> {
    this.assertWritable();
    // Everything below up to the write runs without awaiting, so no other message can interleave.
    const invite = this.state.data.invites.find((i) => i.code === code);
    if (!invite) return { ok: false, reason: 'unknown' };
    if (invite.usedBy) return { ok: false, reason: 'used' };
    if (Date.parse(invite.expiresAt) <= at.getTime()) return { ok: false, reason: 'expired' };
    invite.usedBy = user.id;
    invite.usedAt = at.toISOString();
    const registered: User = { ...user, role: invite.role, teamId: invite.teamId };
    this.state.data.users.push(registered);
    this.indexUser(registered);
    if (invite.role === 'supervisor' && invite.teamId) {
      const team = this.state.data.teams.find((t) => t.id === invite.teamId);
      if (team) team.supervisorId = registered.id;
    }
    await this.state.write();
    return { ok: true, user: registered, invite };
  }

  async flush(): Promise<void> {
    if (this.sessionTimer) clearTimeout(this.sessionTimer);
    this.sessionTimer = null;
    await this.sessionWrite;
    if (this.sessionsDirty && !this.readOnly) {
      this.sessionsDirty = false;
      await this.sessionDb.write();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.readOnly) await this.flush();
    for (const journal of this.journals.values()) await journal.close();
    await this.release?.();
  }

  private assertWritable(): void {
    if (this.readOnly) throw new Error('this store was opened read-only');
  }

  private async putUser(user: User): Promise<void> {
    this.assertWritable();
    const list = this.state.data.users;
    const at = list.findIndex((u) => u.id === user.id);
    const previous = at >= 0 ? list[at] : undefined;
    if (previous) for (const a of previous.addresses) this.usersByAddress.delete(a);
    if (at >= 0) list[at] = user;
    else list.push(user);
    this.indexUser(user);
    await this.state.write();
  }

  private async putTeam(team: Team): Promise<void> {
    this.assertWritable();
    const list = this.state.data.teams;
    const at = list.findIndex((t) => t.id === team.id);
    if (at >= 0) list[at] = team;
    else list.push(team);
    await this.state.write();
  }

  private indexUser(user: User): void {
    this.usersById.set(user.id, user);
    for (const address of user.addresses) this.usersByAddress.set(address, user);
  }

  private scheduleSessionWrite(): void {
    if (this.readOnly) return;
    this.sessionsDirty = true;
    if (this.sessionTimer) return;
    this.sessionTimer = setTimeout(() => {
      this.sessionTimer = null;
      this.sessionsDirty = false;
      this.sessionWrite = this.sessionDb.write().catch(() => {
        // Retried by the next change or by flush() at shutdown; conversation state is allowed to lag.
        this.sessionsDirty = true;
      });
    }, this.sessionWriteDelayMs);
    this.sessionTimer.unref();
  }
}

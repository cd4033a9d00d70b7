import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Invite, Team, User } from '../../accounts/types.js';
import type { Client } from '../../clients/types.js';
import type { Session } from '../../core/session.js';
import type { ModuleProgress } from '../../features/training/progress.js';
import {
  type Change,
  type ClientRepo,
  type Collection,
  ConflictError,
  type InviteRepo,
  JOURNALS,
  type Journal,
  type JournalName,
  type JournalRecord,
  type ProgressRepo,
  progressKey,
  type RewriteRule,
  type SessionRepo,
  type Store,
  type TeamRepo,
  type UserRepo,
} from '../port.js';
import { ensureDir } from './atomic-file.js';
import { DurableJsonAdapter } from './durable-json-adapter.js';
import { JsonlJournal, monthOf, type UnitLine } from './jsonl-journal.js';
import { emptyState, migrateToLatest, type StateFile } from './migrations.js';
import { acquireLock } from './process-lock.js';
import { type LoggedUnit, WriteAheadLog } from './write-ahead-log.js';

export interface LowdbStoreOptions {
  dataDir: string;
  /** Take the one-writer lock (the bot and record-changing commands); read-only commands do not. */
  lock: boolean;
  /** How long committed units may wait in the log before the state files and journals are written. */
  checkpointDelayMs?: number;
  /** @deprecated the old name of checkpointDelayMs. */
  sessionWriteDelayMs?: number;
  /** Named journal rewrites the domain registers (erasure of a client). */
  rewrites?: Record<string, RewriteRule>;
  onTornLine?: (file: string) => void;
}

/** sessions.json: conversation state per chat, with the last unit of work it includes. */
interface SessionFile {
  appliedUnit?: number;
  sessions: Record<string, unknown>;
}

type Maps = { [C in Collection]: Map<string, unknown> };

/**
 * How long committed units wait in the log before the state files are rewritten. Longer means fewer full rewrites
 * of state.json and sessions.json under load; a crash in between only means replaying a longer log at the next start.
 */
const DEFAULT_CHECKPOINT_MS = 1000;

/**
 * The embedded default store. Small mutable state (users, teams, invites, progress, clients) lives in memory and
 * in state.json (lowdb), conversation state in sessions.json, and records that grow in JSON Lines journals. A
 * unit of work is committed by one fsynced line in the write-ahead log; a checkpoint (shortly after, coalesced)
 * writes the state files and journal lines and then deletes the log it covered. After a crash, the log is replayed:
 * every confirmed unit is there, whole, and none is applied twice.
 */
export class LowdbStore implements Store {
  readonly users: UserRepo;
  readonly teams: TeamRepo;
  readonly invites: InviteRepo;
  readonly sessions: SessionRepo;
  readonly progress: ProgressRepo;
  readonly clients: ClientRepo;

  private readonly maps: Maps = {
    users: new Map(),
    teams: new Map(),
    invites: new Map(),
    progress: new Map(),
    clients: new Map(),
  };
  private readonly usersByAddress = new Map<string, User>();
  private readonly sessionMap = new Map<string, unknown>();
  private readonly listeners = new Set<(changes: readonly Change[]) => void>();
  private pendingLines = new Map<JournalName, UnitLine[]>();
  private pendingRewrites: { rule: string; arg: string }[] = [];
  private readonly failedUnits = new Set<number>();
  private unitSeq = 0;
  private schemaVersion: number;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private checkpointing: Promise<void> | null = null;
  private checkpointAgain = false;
  private closed = false;

  private constructor(
    state: StateFile,
    sessions: SessionFile,
    private readonly stateFile: Low<unknown>,
    private readonly sessionFile: Low<unknown>,
    private readonly journals: Map<JournalName, JsonlJournal<JournalRecord>>,
    private readonly wal: WriteAheadLog | null,
    private readonly release: (() => Promise<void>) | null,
    private readonly checkpointDelayMs: number,
    private readonly rewrites: Record<string, RewriteRule>,
    readonly readOnly: boolean,
  ) {
    this.schemaVersion = state.schemaVersion;
    for (const u of state.users) this.setValue('users', u.id, u);
    for (const t of state.teams) this.maps.teams.set(t.id, t);
    for (const i of state.invites) this.maps.invites.set(i.code, i);
    for (const p of state.progress) this.maps.progress.set(progressKey(p.userId, p.moduleId), p);
    for (const c of state.clients) this.maps.clients.set(c.id, c);
    for (const [address, session] of Object.entries(sessions.sessions)) this.sessionMap.set(address, session);

    const values = <T>(c: Collection) => [...this.maps[c].values()] as T[];
    const one = (change: Change) => this.commit([change]);
    this.users = {
      get: async (id) => this.maps.users.get(id) as User | undefined,
      byAddress: async (address) => this.usersByAddress.get(address),
      list: async () => values<User>('users'),
      put: (user) => one({ kind: 'put', collection: 'users', key: user.id, value: user }),
    };
    this.teams = {
      get: async (id) => this.maps.teams.get(id) as Team | undefined,
      byName: async (name) => {
        const wanted = name.trim().toLowerCase();
        return values<Team>('teams').find((t) => t.name.toLowerCase() === wanted);
      },
      list: async () => values<Team>('teams'),
      put: (team) => one({ kind: 'put', collection: 'teams', key: team.id, value: team }),
    };
    this.invites = {
      get: async (code) => this.maps.invites.get(code) as Invite | undefined,
      put: (invite) => one({ kind: 'put', collection: 'invites', key: invite.code, value: invite }),
    };
    this.progress = {
      get: async (userId, moduleId) =>
        this.maps.progress.get(progressKey(userId, moduleId)) as ModuleProgress | undefined,
      byUser: async (userId) => values<ModuleProgress>('progress').filter((p) => p.userId === userId),
      put: (p) =>
        one({ kind: 'put', collection: 'progress', key: progressKey(p.userId, p.moduleId), value: p }),
    };
    this.clients = {
      get: async (id) => this.maps.clients.get(id) as Client | undefined,
      list: async ({ mentorId, teamId }) =>
        values<Client>('clients').filter(
          (c) =>
            (mentorId === undefined || c.mentorId === mentorId) &&
            (teamId === undefined || c.teamId === teamId),
        ),
      put: (client) => one({ kind: 'put', collection: 'clients', key: client.id, value: client }),
      remove: (id) => one({ kind: 'delete', collection: 'clients', key: id }),
    };
    this.sessions = {
      get: async (address) => this.sessionMap.get(address),
      set: (address, session) => one({ kind: 'session', address, session }),
      delete: (address) => one({ kind: 'session', address, session: null }),
      idleSince: async (before) =>
        [...this.sessionMap.entries()]
          .filter(([, s]) => {
            const at = (s as { updatedAt?: unknown } | null)?.updatedAt;
            return typeof at !== 'string' || at < before;
          })
          .map(([address]) => address),
    };
  }

  static async open(options: LowdbStoreOptions): Promise<LowdbStore> {
    await ensureDir(options.dataDir);
    const release = options.lock ? await acquireLock(options.dataDir) : null;
    try {
      const stateAdapter = new DurableJsonAdapter<unknown>(join(options.dataDir, 'state.json'));
      const rawState = await stateAdapter.read();
      const stateFile = new Low<unknown>(stateAdapter, null);
      const state = rawState === null ? emptyState() : migrateToLatest(rawState);
      const stateUnit = typeof state.appliedUnit === 'number' ? state.appliedUnit : 0;

      const sessionAdapter = new DurableJsonAdapter<unknown>(join(options.dataDir, 'sessions.json'));
      const sessions = asSessionFile(await sessionAdapter.read());
      const sessionFile = new Low<unknown>(sessionAdapter, null);

      const journals = new Map<JournalName, JsonlJournal<JournalRecord>>();
      for (const name of JOURNALS) {
        journals.set(
          name,
          await JsonlJournal.open(join(options.dataDir, 'journals', name), options.onTornLine),
        );
      }
      const { log, units } = await WriteAheadLog.open(join(options.dataDir, 'wal'), options.onTornLine);
      const store = new LowdbStore(
        state,
        sessions,
        stateFile,
        sessionFile,
        journals,
        options.lock ? log : null,
        release,
        options.checkpointDelayMs ?? options.sessionWriteDelayMs ?? DEFAULT_CHECKPOINT_MS,
        options.rewrites ?? {},
        !options.lock,
      );
      store.replay(units, stateUnit, sessions.appliedUnit ?? 0);
      if (options.lock && (units.length > 0 || rawState === null || rawState !== state)) await store.flush();
      return store;
    } catch (error) {
      await release?.();
      throw error;
    }
  }

  journal<T extends JournalRecord>(name: JournalName): Journal<T> {
    const journal = this.journals.get(name);
    if (!journal) throw new Error(`unknown journal ${name}`);
    return {
      append: (record) => this.commit([{ kind: 'append', journal: name, record }]),
      query: async (query) => journal.query(query) as T[],
    };
  }

  onCommit(listener: (changes: readonly Change[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async commit(changes: readonly Change[]): Promise<void> {
    this.assertWritable();
    if (changes.length === 0) return;
    for (const change of changes) this.check(change);
    const unit = ++this.unitSeq;
    const undo: (() => void)[] = [];
    // Applied in memory at once (nothing else runs until the next await), taken back if the log write fails.
    for (const change of changes) if (change.kind !== 'rewrite') this.apply(unit, change, undo);
    try {
      await (this.wal as WriteAheadLog).append({ unit, changes: [...changes] });
    } catch (error) {
      this.failedUnits.add(unit);
      for (const step of undo.reverse()) step();
      throw error;
    }
    const rewrites = changes.filter((c) => c.kind === 'rewrite');
    for (const r of rewrites) this.rewrite(r.rule, r.arg);
    for (const listener of this.listeners) listener(changes);
    // Erasure must not wait in the log: write it through now, and drop the log that held her records.
    if (rewrites.length > 0) await this.checkpoint();
    else this.scheduleCheckpoint();
  }

  /** Writes every committed unit to the state files and journals, then drops the log they came from. */
  async flush(): Promise<void> {
    if (this.readOnly) return;
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
    await this.checkpoint();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.readOnly) await this.flush();
    this.closed = true;
    await this.wal?.close();
    for (const journal of this.journals.values()) await journal.close();
    await this.release?.();
  }

  private assertWritable(): void {
    if (this.readOnly || !this.wal) throw new Error('this store was opened read-only');
    if (this.closed) throw new Error('this store is closed');
  }

  private check(change: Change): void {
    if ((change.kind !== 'put' && change.kind !== 'delete') || change.expect === undefined) return;
    const current = this.maps[change.collection].get(change.key);
    const now = current === undefined ? null : JSON.stringify(current);
    if (now !== change.expect) throw new ConflictError(change.collection, change.key);
  }

  private apply(unit: number, change: Change, undo: (() => void)[]): void {
    switch (change.kind) {
      case 'put':
      case 'delete': {
        const { collection, key } = change;
        const previous = this.maps[collection].get(key);
        this.setValue(collection, key, change.kind === 'put' ? change.value : undefined);
        undo.push(() => this.setValue(collection, key, previous));
        return;
      }
      case 'append': {
        const journal = this.journals.get(change.journal);
        if (!journal) throw new Error(`unknown journal ${change.journal}`);
        monthOf(change.record);
        journal.add(change.record);
        const line = { unit, record: change.record };
        this.linesOf(change.journal).push(line);
        undo.push(() => journal.undo(change.record));
        return;
      }
      case 'session': {
        const previous = this.sessionMap.get(change.address);
        if (change.session) this.sessionMap.set(change.address, change.session);
        else this.sessionMap.delete(change.address);
        undo.push(() => {
          if (previous === undefined) this.sessionMap.delete(change.address);
          else this.sessionMap.set(change.address, previous);
        });
        return;
      }
      case 'rewrite':
        return;
    }
  }

  /** A registered rewrite, in memory and in the lines still waiting; the files follow at the checkpoint. */
  private rewrite(rule: string, arg: string): void {
    const make = this.rewrites[rule];
    if (!make) throw new Error(`unknown rewrite rule ${rule}`);
    const { sessions, ...journals } = make(arg);
    if (sessions) {
      for (const [address, session] of this.sessionMap) this.sessionMap.set(address, sessions(session));
    }
    for (const [name, transform] of Object.entries(journals) as [
      JournalName,
      (r: JournalRecord) => JournalRecord | null,
    ][]) {
      this.journals.get(name)?.transform(transform);
      const lines = this.pendingLines.get(name);
      if (lines) {
        this.pendingLines.set(
          name,
          lines
            .map((l) => ({ unit: l.unit, record: transform(l.record) }))
            .filter((l): l is UnitLine => l.record !== null),
        );
      }
    }
    this.pendingRewrites.push({ rule, arg });
  }

  private replay(units: LoggedUnit[], stateUnit: number, sessionsUnit: number): void {
    const undo: (() => void)[] = [];
    for (const { unit, changes } of units) {
      this.unitSeq = Math.max(this.unitSeq, unit);
      for (const change of changes) {
        if (change.kind === 'rewrite') this.rewrite(change.rule, change.arg);
        else if (change.kind === 'session') {
          if (unit > sessionsUnit) this.apply(unit, change, undo);
        } else if (change.kind === 'append') {
          const journal = this.journals.get(change.journal);
          if (journal && unit > journal.writtenUpTo(monthOf(change.record))) this.apply(unit, change, undo);
        } else if (unit > stateUnit) this.apply(unit, change, undo);
      }
    }
    for (const journal of this.journals.values()) this.unitSeq = Math.max(this.unitSeq, journal.highestUnit);
    this.unitSeq = Math.max(this.unitSeq, stateUnit, sessionsUnit);
  }

  private scheduleCheckpoint(): void {
    if (this.checkpointTimer || this.readOnly) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      // A failed checkpoint keeps the log: nothing is lost, and the next one tries again.
      this.checkpoint().catch(() => this.scheduleCheckpoint());
    }, this.checkpointDelayMs);
    this.checkpointTimer.unref();
  }

  private checkpoint(): Promise<void> {
    if (this.checkpointing) {
      this.checkpointAgain = true;
      return this.checkpointing;
    }
    this.checkpointing = (async () => {
      try {
        do {
          this.checkpointAgain = false;
          await this.checkpointOnce();
        } while (this.checkpointAgain);
      } finally {
        this.checkpointing = null;
      }
    })();
    return this.checkpointing;
  }

  private async checkpointOnce(): Promise<void> {
    const wal = this.wal;
    if (!wal) return;
    // Taken at one instant: every unit up to `upTo` is in these snapshots and none after it.
    const upTo = this.unitSeq;
    const stateText = this.stateSnapshot(upTo);
    const sessionText: SessionFile = { appliedUnit: upTo, sessions: Object.fromEntries(this.sessionMap) };
    const lines = this.pendingLines;
    const rewrites = this.pendingRewrites;
    this.pendingLines = new Map();
    this.pendingRewrites = [];
    const { ok, retire } = await wal.rotate();
    if (!ok) {
      // A unit in the snapshot failed to commit (and was taken back): keep the log, try again later.
      for (const [name, list] of lines) this.linesOf(name).unshift(...list);
      this.pendingRewrites.unshift(...rewrites);
      throw new Error('a unit of work failed during the checkpoint; the log is kept');
    }
    for (const [name, list] of lines) {
      const good = list.filter((l) => !this.failedUnits.has(l.unit));
      await this.journals.get(name)?.write(good);
    }
    for (const { rule, arg } of rewrites) {
      const { sessions: _sessions, ...transforms } = this.rewrites[rule]?.(arg) ?? {};
      for (const [name, transform] of Object.entries(transforms) as [
        JournalName,
        (r: JournalRecord) => JournalRecord | null,
      ][]) {
        await this.journals.get(name)?.rewriteFiles(transform);
      }
    }
    this.sessionFile.data = sessionText;
    await this.sessionFile.write();
    this.stateFile.data = stateText;
    await this.stateFile.write();
    await retire();
    this.failedUnits.clear();
  }

  private stateSnapshot(upTo: number): StateFile {
    const values = <T>(c: Collection) => structuredClone([...this.maps[c].values()]) as T[];
    return {
      schemaVersion: this.schemaVersion,
      appliedUnit: upTo,
      users: values('users'),
      teams: values('teams'),
      invites: values('invites'),
      progress: values('progress'),
      clients: values('clients'),
    };
  }

  private linesOf(name: JournalName): UnitLine[] {
    let lines = this.pendingLines.get(name);
    if (!lines) {
      lines = [];
      this.pendingLines.set(name, lines);
    }
    return lines;
  }

  private setValue(collection: Collection, key: string, value: unknown): void {
    const map = this.maps[collection];
    if (collection === 'users') {
      const previous = map.get(key) as User | undefined;
      if (previous) for (const a of previous.addresses) this.usersByAddress.delete(a);
      if (value !== undefined)
        for (const a of (value as User).addresses) this.usersByAddress.set(a, value as User);
    }
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  }
}

function asSessionFile(raw: unknown): SessionFile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { sessions: {} };
  const file = raw as Record<string, unknown>;
  // Before units of work, sessions.json was the map of sessions itself.
  if (typeof file.sessions === 'object' && file.sessions !== null && !Array.isArray(file.sessions)) {
    return {
      appliedUnit: typeof file.appliedUnit === 'number' ? file.appliedUnit : 0,
      sessions: file.sessions as Record<string, unknown>,
    };
  }
  return { sessions: file };
}

export type { Session };

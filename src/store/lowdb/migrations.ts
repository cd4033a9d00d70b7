import type { Invite, Team, User } from '../../accounts/types.js';
import type { Client } from '../../clients/types.js';
import type { ModuleProgress } from '../../features/training/progress.js';

/** The small, mutable state kept in state.json. Conversation state lives apart in sessions.json (written behind). */
export interface StateFile {
  schemaVersion: number;
  /** The last unit of work of the write-ahead log whose effects this file holds. */
  appliedUnit?: number;
  users: User[];
  teams: Team[];
  invites: Invite[];
  progress: ModuleProgress[];
  clients: Client[];
}

export const CURRENT_SCHEMA_VERSION = 3;

type Migration = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * migrations[n] turns version n into n + 1. Pure functions, each tested; run on every open, like goflow's
 * MigrateToLatest. Never edit a released migration: add the next one.
 */
const migrations: Record<number, Migration> = {
  // 0 -> 1: files from before versioning had no schemaVersion and possibly missing collections.
  0: (d) => ({
    ...d,
    users: d.users ?? [],
    teams: d.teams ?? [],
    invites: d.invites ?? [],
    schemaVersion: 1,
  }),
  // 1 -> 2: training progress per person and module.
  1: (d) => ({ ...d, progress: d.progress ?? [], schemaVersion: 2 }),
  // 2 -> 3: clients of Mentor Mothers (by pseudonymous code).
  2: (d) => ({ ...d, clients: d.clients ?? [], schemaVersion: 3 }),
};

export function migrateToLatest(raw: unknown): StateFile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error('state file is not an object');
  let data = raw as Record<string, unknown>;
  let version = typeof data.schemaVersion === 'number' ? data.schemaVersion : 0;
  if (version > CURRENT_SCHEMA_VERSION) {
    throw new Error(
      `the data was written by a newer version of the bot (schema ${version}, this one knows up to ${CURRENT_SCHEMA_VERSION}); upgrade the bot`,
    );
  }
  while (version < CURRENT_SCHEMA_VERSION) {
    const step = migrations[version];
    if (!step) throw new Error(`no migration from schema ${version}`);
    data = step(data);
    version++;
  }
  return data as unknown as StateFile;
}

export const emptyState = (): StateFile => ({
  schemaVersion: CURRENT_SCHEMA_VERSION,
  users: [],
  teams: [],
  invites: [],
  progress: [],
  clients: [],
});

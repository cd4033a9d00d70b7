import type { App } from '../../src/app.js';
import { JOURNALS, type JournalName } from '../../src/store/port.js';

/**
 * The one place the transcript runner reads what the app stored. When the store's API changes, only this file
 * changes.
 */
export type StoredRecord = Readonly<Record<string, unknown>>;

/** The journals a transcript may check with `stored:`, plus `clients`. */
export const JOURNAL_NAMES: readonly JournalName[] = JOURNALS;

/** A journal as this helper reads it: the async `query` (new API) or `all` (old API), whichever it has. */
interface ReadableJournal {
  query?: (query?: object) => Promise<readonly unknown[]>;
  all?: () => readonly unknown[];
}

/** Every record of one journal, oldest first. */
export async function storedRecords(app: App, journal: JournalName): Promise<StoredRecord[]> {
  // While the journal API moves from `all()` to `query({...})`, read whichever there is; keep only `query` after.
  const j = app.services.store.journal(journal) as unknown as ReadableJournal;
  const records = j.query ? await j.query({}) : (j.all?.() ?? []);
  return [...records] as StoredRecord[];
}

/** Every client of every mentor. */
export async function storedClients(app: App): Promise<StoredRecord[]> {
  return (await app.services.store.clients.list({})) as unknown as StoredRecord[];
}

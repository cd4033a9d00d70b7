import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { summariseChanges } from '../../content/versions/content-tree.js';
import { UPLOAD_LIMITS } from '../../content/versions/limits.js';
import { readUpload, UploadRefused } from '../../content/versions/upload.js';
import {
  ContentVersionStore,
  type PublishResult,
  type VersionRecord,
  VersionStoreError,
} from '../../content/versions/version-store.js';
import { formatError } from '../../content/yaml-file.js';
import { CliError, cliConfig } from '../open-app.js';

/**
 * The content version store lives in DATA_DIR/content/, apart from the record store, so these commands run beside a
 * running bot. That bot keeps serving the version it loaded until it restarts (live reload comes with publishing in
 * the chat): every command that changes the live version says so.
 */
const RESTART_NOTE =
  'A bot already running on this DATA_DIR keeps serving the previous version until it restarts; ' +
  'search and newly started bots use this one.';

function store(): ContentVersionStore {
  return new ContentVersionStore(cliConfig().DATA_DIR);
}

/** `content publish FILE [--note TEXT]`: validate, then make a new current version. */
export async function contentPublishCommand(file: string, options: { note?: string }): Promise<void> {
  const path = resolve(file);
  const size = await stat(path).then(
    (s) => (s.isFile() ? s.size : -1),
    () => -1,
  );
  if (size < 0) throw new CliError(`${file}: no such file.`);
  const limit = /\.zip$/i.test(path) ? UPLOAD_LIMITS.zipBytes : UPLOAD_LIMITS.fileBytes;
  // Refused before it is read: a 50 MB file never enters memory.
  if (size > limit)
    throw new CliError(`${basename(path)} is larger than ${limit / 1024 / 1024} MB; nothing changed.`);
  const result = await guarded(async () =>
    store().publish(readUpload(basename(path), await readFile(path)), { by: 'cli', note: options.note }),
  );
  report(result);
}

/** `content rollback N`: version N live again, recorded as a new version. */
export async function contentRollbackCommand(n: string): Promise<void> {
  const version = Number(n);
  if (!Number.isInteger(version) || version < 1)
    throw new CliError('N must be a version number (1, 2, ...).', 2);
  report(await guarded(() => store().rollback(version, { by: 'cli' })));
}

/** `content history [--json]`: every version with who, when, the note and what changed. */
export async function contentHistoryCommand(options: { json?: boolean }): Promise<void> {
  const s = store();
  const records = await s.history();
  const current = (await s.current()) ?? 1;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(records.map((r) => ({ ...r, current: r.version === current })))}\n`,
    );
    return;
  }
  for (const r of records) process.stdout.write(`${formatRecord(r, r.version === current)}\n`);
}

function formatRecord(r: VersionRecord, current: boolean): string {
  const note = r.note ? ` "${r.note}"` : '';
  return `${current ? '*' : ' '} ${r.version}  ${r.at}  ${r.by}${note}  ${summariseChanges(r.changes)}  (${r.contentId})`;
}

async function guarded(work: () => Promise<PublishResult>): Promise<PublishResult> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UploadRefused || error instanceof VersionStoreError)
      throw new CliError(`${error.message} Nothing changed.`);
    throw error;
  }
}

function report(result: PublishResult): void {
  if (result.status === 'invalid') {
    for (const error of result.errors) process.stdout.write(`${formatError(error)}\n`);
    const n = result.errors.length;
    throw new CliError(`${n} error${n === 1 ? '' : 's'}: nothing was published.`, 1);
  }
  if (result.status === 'unchanged') {
    process.stdout.write(
      `No change: this is what version ${result.current} already holds. Nothing was published.\n`,
    );
    return;
  }
  const { record } = result;
  process.stdout.write(
    `Published version ${record.version}${record.rollbackOf ? ` (rollback to ${record.rollbackOf})` : ''}: ` +
      `${summariseChanges(record.changes)}.\n${RESTART_NOTE}\n`,
  );
}

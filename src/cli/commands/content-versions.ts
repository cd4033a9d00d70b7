import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ContentPublisher } from '../../content/publishing/publisher.js';
import type { Proposal, PublishOutcome } from '../../content/publishing/types.js';
import { summariseChanges } from '../../content/versions/content-tree.js';
import { UPLOAD_LIMITS } from '../../content/versions/limits.js';
import { readUpload, UploadRefused } from '../../content/versions/upload.js';
import {
  ContentVersionStore,
  type VersionRecord,
  VersionStoreError,
} from '../../content/versions/version-store.js';
import { formatError } from '../../content/yaml-file.js';
import { CliError, cliConfig } from '../open-app.js';

/**
 * The content version store lives in DATA_DIR/content/, apart from the record store, so these commands run beside a
 * running bot, which reads the current version every few seconds and swaps a new one in: every command that
 * changes the live version says so.
 */
const LIVE_NOTE =
  'A bot running on this DATA_DIR picks it up within a few seconds; search and new bots use it now.';

function publisher(): ContentPublisher {
  const config = cliConfig();
  // No worker thread here: nothing else waits on this process's event loop.
  return new ContentPublisher({
    store: new ContentVersionStore(config.DATA_DIR),
    approval: config.CONTENT_APPROVAL,
    timeZone: config.TZ,
  });
}

/**
 * `content publish FILE [--note TEXT]`: checked as a chat upload is, then published by `cli`; a change that needs a
 * clinician (a questionnaire's logic, a danger sign, an emergency number) waits for one to approve it in the chat.
 */
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
  const p = publisher();
  const outcome = await guarded(async () => {
    const checked = await p.checkFiles(readUpload(basename(path), await readFile(path)), 'cli');
    if (checked.status === 'refused') throw new CliError(`${checked.message} Nothing changed.`);
    if (checked.status !== 'ready') return checked;
    return p.submit(checked.proposal.id, 'cli', options.note ?? '');
  });
  report(outcome, await p.history());
}

/** `content rollback N`: version N live again, recorded as a new version. */
export async function contentRollbackCommand(n: string): Promise<void> {
  const version = Number(n);
  if (!Number.isInteger(version) || version < 1)
    throw new CliError('N must be a version number (1, 2, ...).', 2);
  const p = publisher();
  const history = await p.history();
  if (!history.some((r) => r.version === version))
    throw new CliError(`There is no version ${version}. Nothing changed.`);
  if (history.some((r) => r.version === version && r.current))
    throw new CliError(`Version ${version} is already the live version. Nothing changed.`);
  report(await guarded(() => p.rollback(version, 'cli')), history);
}

/** `content history [--json]`: every version with who, when, the note, who approved it and what changed. */
export async function contentHistoryCommand(options: { json?: boolean }): Promise<void> {
  const records = await publisher().history();
  if (options.json) {
    process.stdout.write(`${JSON.stringify(records)}\n`);
    return;
  }
  for (const r of records) process.stdout.write(`${formatRecord(r, r.current)}\n`);
}

/** `content pending [--json]`: proposals waiting for a clinician, oldest first. */
export async function contentPendingCommand(options: { json?: boolean }): Promise<void> {
  const pending = await publisher().pending();
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        pending.map((p) => ({
          id: p.id,
          by: p.by,
          at: p.at,
          note: p.note,
          files: p.preview.files,
          clinical: p.preview.clinical,
        })),
      )}\n`,
    );
    return;
  }
  if (pending.length === 0) {
    process.stdout.write('Nothing waits for a clinician.\n');
    return;
  }
  for (const p of pending) process.stdout.write(`${formatProposal(p)}\n`);
}

function formatRecord(r: VersionRecord, current: boolean): string {
  const note = r.note ? ` "${r.note}"` : '';
  const approved = r.approvedBy
    ? `  approved by ${r.approvedBy}${r.approvedAt ? ` ${r.approvedAt}` : ''}`
    : '';
  return `${current ? '*' : ' '} ${r.version}  ${r.at}  ${r.by}${note}${approved}  ${summariseChanges(r.changes)}  (${r.contentId})`;
}

function formatProposal(p: Proposal): string {
  const note = p.note ? ` "${p.note}"` : '';
  const why = p.preview.clinical.map((c) => `\n    needs a clinician: ${c.id}: ${c.detail}`).join('');
  return `${p.id}  ${p.at}  ${p.by}${note}  ${summariseChanges(p.preview.files)}${why}`;
}

async function guarded(work: () => Promise<PublishOutcome>): Promise<PublishOutcome> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UploadRefused || error instanceof VersionStoreError)
      throw new CliError(`${error.message} Nothing changed.`);
    throw error;
  }
}

function report(outcome: PublishOutcome, history: { version: number; current: boolean }[]): void {
  if (outcome.status === 'invalid') {
    for (const error of outcome.errors) process.stdout.write(`${formatError(error)}\n`);
    const n = outcome.errors.length;
    throw new CliError(`${n} error${n === 1 ? '' : 's'}: nothing was published.`, 1);
  }
  if (outcome.status === 'unchanged') {
    const current = history.find((r) => r.current)?.version ?? 1;
    process.stdout.write(
      `No change: this is what version ${current} already holds. Nothing was published.\n`,
    );
    return;
  }
  if (outcome.status === 'gone')
    throw new CliError('The change could not be published (it was decided meanwhile).');
  if (outcome.status === 'pending') {
    const why = outcome.proposal.preview.clinical.map((c) => `  ${c.id}: ${c.detail}\n`).join('');
    process.stdout.write(
      `This change waits for a clinician (proposal ${outcome.proposal.id}): a clinician approves it in the chat, ` +
        `then it goes live. Nothing is live yet.\n${why}`,
    );
    return;
  }
  const { record } = outcome;
  process.stdout.write(
    `Published version ${record.version}${record.rollbackOf ? ` (rollback to ${record.rollbackOf})` : ''}: ` +
      `${summariseChanges(record.changes)}.\n${LIVE_NOTE}\n`,
  );
}

import { once } from 'node:events';
import type { AuditRecord } from '../../store/port.js';
import { exportRows } from '../../summary/export-rows.js';
import { WeekError } from '../../summary/week.js';
import { CliError, openApp } from '../open-app.js';

export interface ExportCliOptions {
  from: string;
  to: string;
  team?: string;
  format?: string;
  includeVoided?: boolean;
}

/** Audit action of an export: who (`cli` from the terminal) took which screenings out. */
export const SCREENINGS_EXPORTED = 'screenings.exported';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `export --from DATE --to DATE [--team NAME] [--format csv|jsonl] [--include-voided]`: one line per screening,
 * streamed to stdout. The audit record is written first, so an export cut short is still on record. Writing it
 * needs the store to itself on the embedded store (beside a running bot the command stops and says so).
 */
export async function exportCommand(options: ExportCliOptions): Promise<void> {
  const format = options.format ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') throw new CliError('--format must be csv or jsonl', 2);
  for (const [flag, value] of [
    ['--from', options.from],
    ['--to', options.to],
  ] as const) {
    if (!DATE.test(value)) throw new CliError(`${flag} must be a date like 2026-11-24 (got "${value}")`, 2);
  }
  const app = await openApp({ writes: true });
  try {
    const { store, clock } = app.services;
    let teamIds: string[] | undefined;
    if (options.team !== undefined) {
      const team = await store.teams.byName(options.team.trim());
      if (!team) throw new CliError(`No team is named "${options.team}".`, 1);
      teamIds = [team.id];
    }
    const rows = exportRows(store, {
      from: options.from,
      to: options.to,
      teamIds,
      includeVoided: options.includeVoided ?? false,
      format,
    });
    // The first line checks the dates before anything is recorded as exported.
    let first: IteratorResult<string>;
    try {
      first = await rows.next();
    } catch (error) {
      if (error instanceof WeekError) throw new CliError(error.message, 2);
      throw error;
    }
    await store.journal<AuditRecord>('audit').append({
      at: clock.now().toISOString(),
      actor: 'cli',
      action: SCREENINGS_EXPORTED,
      target: teamIds?.[0] ?? 'all',
      detail: { from: options.from, to: options.to, format, includeVoided: options.includeVoided ?? false },
    });
    if (!first.done) await write(first.value);
    for await (const line of rows) await write(line);
  } finally {
    await app.close();
  }
}

/** Waits when stdout's buffer is full, so a large export is not held in memory. */
async function write(line: string): Promise<void> {
  if (!process.stdout.write(line)) await once(process.stdout, 'drain');
}

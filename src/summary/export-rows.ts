import { stringify } from 'csv-stringify/sync';
import type { Team } from '../accounts/types.js';
import type { ScreeningJournalRecord } from '../clients/types.js';
import type { StoreView } from '../store/port.js';
import { CSV_OPTIONS } from './csv.js';
import { WeekError } from './week.js';
import { addDays, dayOf, isoWithOffset, localDate, startOfLocalDay } from './zoned.js';

const DAY = 86_400_000;

/** The columns of the `export` command (shared docs/interfaces.md); `voided` only when voided rows are asked for. */
export const EXPORT_COLUMNS = [
  'screening_id',
  'screened_at',
  'local_date',
  'team',
  'mentor',
  'client',
  'questionnaire',
  'version',
  'urgency',
  'score',
  'band',
  'reasons',
] as const;

export interface ExportOptions {
  /** Local dates (each team's timezone), inclusive. */
  from: string;
  to: string;
  teamIds?: string[];
  includeVoided?: boolean;
  format: 'csv' | 'jsonl';
}

type Cell = string | number | boolean | null;

/**
 * One line per screening of the teams (all when `teamIds` is undefined) between two local dates, oldest first,
 * each line with its newline, the CSV header first. Streamed: the journal is read a day at a time, so an export of
 * a year holds one day's records, not the year's. Screenings of no team are left out (they have no timezone).
 * Throws `WeekError` for a date that cannot be read.
 */
export async function* exportRows(store: StoreView, options: ExportOptions): AsyncGenerator<string> {
  const from = checkDate(options.from);
  const to = checkDate(options.to);
  if (dayOf(from) > dayOf(to)) throw new WeekError(`--from ${from} is after --to ${to}`);
  const wanted = options.teamIds ? new Set(options.teamIds) : undefined;
  const teams = new Map(
    (await store.teams.list())
      .filter((t) => !wanted || wanted.has(t.id))
      .map((t) => [t.id, rangeOf(t, from, to)]),
  );
  const columns: string[] = [...EXPORT_COLUMNS, ...(options.includeVoided ? ['voided'] : [])];
  if (options.format === 'csv') yield stringify([columns], CSV_OPTIONS);
  if (teams.size === 0) return;

  const start = Math.min(...[...teams.values()].map((t) => t.start));
  const end = Math.max(...[...teams.values()].map((t) => t.end));
  const journal = store.journal<ScreeningJournalRecord>('screenings');
  // Voids come after their screening, so those from the range's start on are all that can matter; they are few.
  const voided = new Set(
    (await journal.query({ from: new Date(start).toISOString(), where: { type: 'void' } })).flatMap((v) =>
      v.type === 'void' ? [v.screeningId] : [],
    ),
  );
  const names = new Map((await store.users.list()).map((u) => [u.id, u.name]));
  const codes = new Map<string, string>();
  const codeOf = async (clientId: string | null): Promise<string | null> => {
    if (clientId === null) return null;
    let code = codes.get(clientId);
    if (code === undefined) {
      code = (await store.clients.get(clientId))?.code ?? '';
      codes.set(clientId, code);
    }
    return code || null;
  };

  for (let chunk = start; chunk < end; chunk += DAY) {
    const records = await journal.query({
      from: new Date(chunk).toISOString(),
      to: new Date(Math.min(chunk + DAY, end)).toISOString(),
      where: { type: 'screening' },
    });
    for (const s of records) {
      if (s.type !== 'screening' || s.teamId === null) continue;
      const team = teams.get(s.teamId);
      const at = Date.parse(s.at);
      if (!team || at < team.start || at >= team.end) continue;
      const isVoided = voided.has(s.id);
      if (isVoided && !options.includeVoided) continue;
      const row: Record<string, Cell | string[]> = {
        screening_id: s.id,
        screened_at: isoWithOffset(at, team.timeZone),
        local_date: localDate(at, team.timeZone),
        team: team.name,
        mentor: names.get(s.mentorId) ?? s.mentorId,
        client: await codeOf(s.clientId),
        questionnaire: s.questionnaire,
        version: s.version,
        urgency: s.urgency,
        score: s.score,
        band: s.band,
        reasons: s.reasons,
      };
      if (options.includeVoided) row.voided = isVoided;
      if (options.format === 'jsonl') yield `${JSON.stringify(row)}\n`;
      else yield stringify([columns.map((c) => csvCell(row[c]))], CSV_OPTIONS);
    }
  }
}

/** A cell as the CSV shows it: reasons joined with `;`, null as empty. */
function csvCell(value: Cell | string[] | undefined): string | number {
  if (Array.isArray(value)) return value.join(';');
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return value;
}

function checkDate(date: string): string {
  if (Number.isNaN(dayOf(date))) throw new WeekError(`cannot read date "${date}": expected YYYY-MM-DD`);
  return date;
}

/** A team's range as instants: local `from` 00:00 to the day after `to`, 00:00. */
function rangeOf(
  team: Team,
  from: string,
  to: string,
): { name: string; timeZone: string; start: number; end: number } {
  return {
    name: team.name,
    timeZone: team.timezone,
    start: startOfLocalDay(from, team.timezone).getTime(),
    end: startOfLocalDay(addDays(to, 1), team.timezone).getTime(),
  };
}

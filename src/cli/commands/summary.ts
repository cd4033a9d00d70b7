import { summaryText } from '../../features/summary/summary-messages.js';
import { summaryCsv } from '../../summary/csv.js';
import { summarize } from '../../summary/gather.js';
import { WeekError } from '../../summary/week.js';
import { CliError, openApp } from '../open-app.js';

export interface SummaryCliOptions {
  team?: string;
  week?: string;
  format?: string;
}

const FORMATS = ['text', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];
const isFormat = (value: string): value is Format => (FORMATS as readonly string[]).includes(value);

/** `summary [--team NAME] [--week YYYY-Www|this|last] [--format text|csv|json]`: every team from the terminal. */
export async function summaryCommand(options: SummaryCliOptions): Promise<void> {
  const format = options.format ?? 'text';
  if (!isFormat(format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}`, 2);
  // Read-only: runs beside the bot.
  const app = await openApp({ writes: false });
  try {
    const { store, clock, i18n } = app.services;
    let teamIds: string[] | undefined;
    if (options.team !== undefined) {
      const team = await store.teams.byName(options.team.trim());
      if (!team) throw new CliError(`No team is named "${options.team}".`, 1);
      teamIds = [team.id];
    }
    let summaries: Awaited<ReturnType<typeof summarize>>;
    try {
      summaries = await summarize(store, { teamIds, week: options.week ?? 'this', now: clock.now() });
    } catch (error) {
      if (error instanceof WeekError) throw new CliError(`--week: ${error.message}`, 2);
      throw error;
    }
    if (format === 'json') process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
    else if (format === 'csv') process.stdout.write(summaryCsv(summaries));
    else if (summaries.length === 0) process.stdout.write('There are no teams yet.\n');
    else {
      const t = i18n.t('en');
      process.stdout.write(`${summaries.map((s) => summaryText(s, t)).join('\n\n----\n\n')}\n`);
    }
  } finally {
    await app.close();
  }
}

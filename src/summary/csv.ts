import { stringify } from 'csv-stringify/sync';
import type { MentorWeek, TeamSummary } from './types.js';

/** The columns of the `summary` CSV (shared docs/interfaces.md); team totals are rows whose mentor is `total`. */
export const SUMMARY_COLUMNS = [
  'team',
  'mentor',
  'screenings',
  'emergency',
  'urgent',
  'routine',
  'none',
  'referrals_created',
  'referrals_completed',
  'referrals_overdue',
  'clients_reached',
  'modules_passed',
  'active_days',
] as const;

/**
 * Options every CSV we write shares: `escape_formulas` prefixes a text cell starting with = + - @ (or a tab) with
 * a quote, so a name like "=HYPERLINK(...)" opens as text in a spreadsheet; numbers are left alone.
 */
export const CSV_OPTIONS = { escape_formulas: true, eof: true, record_delimiter: 'unix' } as const;

type Row = Omit<MentorWeek, 'mentorId' | 'mentor'>;

const cells = (team: string, mentor: string, r: Row): (string | number)[] => [
  team,
  mentor,
  r.screenings,
  r.byUrgency.emergency,
  r.byUrgency.urgent,
  r.byUrgency.routine,
  r.byUrgency.none,
  r.referralsCreated,
  r.referralsCompleted,
  r.referralsOverdue,
  r.clientsReached,
  r.modulesPassed,
  r.activeDays,
];

/** One row per mentor, then the team's total row, team after team; the header first. */
export function summaryCsv(summaries: TeamSummary[]): string {
  const rows: (string | number)[][] = [[...SUMMARY_COLUMNS]];
  for (const s of summaries) {
    for (const m of s.mentors) rows.push(cells(s.team, m.mentor, m));
    rows.push(cells(s.team, 'total', s.totals));
  }
  return stringify(rows, CSV_OPTIONS);
}

import type { Team, User } from '../accounts/types.js';
import type { ReferralEvent, ScreeningJournalRecord, ScreeningRecord, VoidRecord } from '../clients/types.js';
import type { StoreView } from '../store/port.js';
import type { TrainingRecord } from '../training/progress.js';
import type { TeamSummary, Week } from './types.js';
import { parseWeek, previousWeek } from './week.js';
import { type SummaryInput, summarizeTeam } from './weekly-summary.js';

/** What `gatherWeek` reads: the store's repositories and journals, nothing else. */
export type SummaryReader = Pick<StoreView, 'users' | 'teams' | 'journal'>;

/**
 * Reads what the summaries of these teams' weeks need, each team with its own week (its own timezone). The
 * journals are read once for all teams, over the union of their ranges, and split by team here:
 * - screenings: the week and the week before (for the change);
 * - voids: from the week before on, to now (a screening voided later is left out of its week too);
 * - referrals: every event up to the latest week end, since an overdue referral may have been opened months ago.
 *   That is the one unbounded read; it stays cheap because referrals are few beside screenings, the embedded store
 *   holds them in memory, and each record is looked at once for all teams;
 * - training: quiz results up to the week end (a module counts in the week of its first pass; few records).
 */
export async function gatherWeek(
  store: SummaryReader,
  teams: readonly { team: Team; week: Week }[],
): Promise<{ input: SummaryInput; week: Week }[]> {
  if (teams.length === 0) return [];
  const from = minIso(teams.map((t) => previousWeek(t.week).start));
  const to = maxIso(teams.map((t) => t.week.end));
  const [screeningJournal, voidRecords, referrals, training, users] = await Promise.all([
    store.journal<ScreeningJournalRecord>('screenings').query({ from, to }),
    store.journal<ScreeningJournalRecord>('screenings').query({ from, where: { type: 'void' } }),
    store.journal<ReferralEvent>('referrals').query({ to }),
    store.journal<TrainingRecord>('training').query({ to }),
    store.users.list(),
  ]);
  const screenings = screeningJournal.filter((r): r is ScreeningRecord => r.type === 'screening');
  const voids = voidRecords.filter((r): r is VoidRecord => r.type === 'void');
  const byId = new Map(users.map((u) => [u.id, u]));
  const referralsByTeam = splitReferrals(referrals);
  return teams.map(({ team, week }) => {
    const own = screenings.filter((s) => s.teamId === team.id);
    const ownReferrals = referralsByTeam.get(team.id) ?? [];
    return {
      week,
      input: {
        team: { id: team.id, name: team.name },
        mentors: mentorsOf(team.id, byId, [
          ...own.map((s) => s.mentorId),
          ...ownReferrals.map((e) => e.mentorId),
          ...training.flatMap((r) => (r.teamId === team.id ? [r.userId] : [])),
        ]),
        screenings: own,
        voids,
        referrals: ownReferrals,
        training,
      },
    };
  });
}

/** Referral events by the team of their referral (outcomes carry no team), in one pass for all teams. */
function splitReferrals(events: readonly ReferralEvent[]): Map<string, ReferralEvent[]> {
  const teamOf = new Map<string, string>();
  const out = new Map<string, ReferralEvent[]>();
  for (const e of events) {
    const teamId = e.type === 'referral' ? e.teamId : teamOf.get(e.referralId);
    if (e.type === 'referral' && e.teamId) teamOf.set(e.id, e.teamId);
    if (!teamId) continue;
    let list = out.get(teamId);
    if (!list) {
      list = [];
      out.set(teamId, list);
    }
    list.push(e);
  }
  return out;
}

/** The team's active mentors, and whoever else left records carrying its id (named as the store knows them). */
function mentorsOf(
  teamId: string,
  users: ReadonlyMap<string, User>,
  others: readonly string[],
): SummaryInput['mentors'] {
  const out = new Map<string, SummaryInput['mentors'][number]>();
  for (const u of users.values()) {
    if (u.role === 'mentor' && u.active && u.teamId === teamId)
      out.set(u.id, { id: u.id, name: u.name, teamId });
  }
  for (const id of others) {
    if (out.has(id)) continue;
    const u = users.get(id);
    out.set(id, { id, name: u?.name ?? id, teamId: u?.teamId ?? null });
  }
  return [...out.values()];
}

/**
 * The summaries of a week (`this`, `last` or `YYYY-Www`), each team's read in its own timezone, sorted by team
 * name; every team when `teamIds` is undefined (ids that name no team are skipped). Throws `WeekError` for a week
 * that cannot be read.
 */
export async function summarize(
  store: StoreView,
  options: { teamIds?: string[]; week: string; now: Date },
): Promise<TeamSummary[]> {
  const all = await store.teams.list();
  const wanted = options.teamIds ? new Set(options.teamIds) : undefined;
  const teams = all
    .filter((t) => !wanted || wanted.has(t.id))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .map((team) => ({ team, week: parseWeek(options.week, options.now, team.timezone) }));
  const inputs = await gatherWeek(store, teams);
  return inputs.map(({ input, week }) => summarizeTeam(input, week));
}

const minIso = (dates: readonly Date[]): string =>
  new Date(Math.min(...dates.map((d) => d.getTime()))).toISOString();
const maxIso = (dates: readonly Date[]): string =>
  new Date(Math.max(...dates.map((d) => d.getTime()))).toISOString();

import type { ReferralEvent, ScreeningRecord, VoidRecord } from '../clients/types.js';
import type { Urgency } from '../screening/schema.js';
import type { TrainingRecord } from '../training/progress.js';
import { type MentorWeek, type SummaryFlag, type TeamSummary, URGENCIES, type Week } from './types.js';
import { previousWeek } from './week.js';
import { localDate } from './zoned.js';

/** What one team's summary is computed from, already narrowed (by `gather.ts`) to records that could matter. */
export interface SummaryInput {
  team: { id: string; name: string };
  /**
   * The team's current members, and anyone else whose records carry this team's id (a mentor who moved away
   * mid-week): `teamId` is where each is now.
   */
  mentors: readonly { id: string; name: string; teamId: string | null }[];
  /** Screenings of the week and the week before (any team: those of other teams are ignored). */
  screenings: readonly ScreeningRecord[];
  /** Voids known now, whenever made: a voided screening is left out of every week. */
  voids: readonly VoidRecord[];
  /** Every referral event up to the week's end: overdue needs referrals opened long before. */
  referrals: readonly ReferralEvent[];
  /** Quiz results up to the week's end: a module counts in the week of its first pass. */
  training: readonly TrainingRecord[];
}

type Totals = TeamSummary['totals'];
type Opened = Extract<ReferralEvent, { type: 'referral' }>;

/** Outcomes that close a referral ("not yet" leaves it open with a new date), as in the client records index. */
const CLOSING = new Set(['attended', 'declined', 'moved', 'negative', 'positive']);

const emptyUrgency = (): Record<Urgency, number> => ({ emergency: 0, urgent: 0, routine: 0, none: 0 });

/** One mentor's counters while summing: sets become counts at the end. */
interface Tally {
  screenings: number;
  byUrgency: Record<Urgency, number>;
  byQuestionnaire: Record<string, number>;
  referralsCreated: number;
  referralsCompleted: number;
  referralsOverdue: number;
  overdueEmergency: number;
  clients: Set<string>;
  modulesPassed: number;
  days: Set<string>;
}

const newTally = (): Tally => ({
  screenings: 0,
  byUrgency: emptyUrgency(),
  byQuestionnaire: {},
  referralsCreated: 0,
  referralsCompleted: 0,
  referralsOverdue: 0,
  overdueEmergency: 0,
  clients: new Set(),
  modulesPassed: 0,
  days: new Set(),
});

/**
 * One team's week: a pure function of (records, week, the week's timezone). A record counts for the mentor who
 * made it, in the team its `teamId` names (outcomes carry no team: theirs is their referral's). Per mentor:
 * screenings (voided ones left out) by urgency and questionnaire; referrals created, completed (closed this week,
 * whenever opened), overdue (open at the week's end with the due date before it); distinct clients reached
 * (a screening without consent has no client id: each counts as one client); modules passed for the first time;
 * local days with any record.
 */
export function summarizeTeam(input: SummaryInput, week: Week): TeamSummary {
  const tallies = tallyWeek(input, week);
  const names = new Map(input.mentors.map((m) => [m.id, m.name]));
  // Current members always show (an idle one is flagged); others only with records here this week.
  for (const m of input.mentors)
    if (m.teamId === input.team.id && !tallies.has(m.id)) tallies.set(m.id, newTally());
  const rows = [...tallies].map(([mentorId, t]) => ({
    week: toMentorWeek(mentorId, names.get(mentorId) ?? mentorId, t),
    tally: t,
  }));
  rows.sort(
    (a, b) => a.week.mentor.localeCompare(b.week.mentor) || a.week.mentorId.localeCompare(b.week.mentorId),
  );
  const mentors = rows.map((r) => r.week);
  return {
    teamId: input.team.id,
    team: input.team.name,
    week,
    mentors,
    totals: totalsOf(tallies),
    previous: totalsOf(tallyWeek(input, previousWeek(week))),
    flags: flagsOf(rows, new Set(input.mentors.filter((m) => m.teamId === input.team.id).map((m) => m.id))),
  };
}

function tallyWeek(input: SummaryInput, week: Week): Map<string, Tally> {
  const teamId = input.team.id;
  const from = week.start.toISOString();
  const to = week.end.toISOString();
  const inWeek = (at: string): boolean => at >= from && at < to;
  const tallies = new Map<string, Tally>();
  const tally = (mentorId: string): Tally => {
    let t = tallies.get(mentorId);
    if (!t) {
      t = newTally();
      tallies.set(mentorId, t);
    }
    return t;
  };
  const activeOn = (t: Tally, at: string): void => {
    t.days.add(localDate(Date.parse(at), week.timeZone));
  };

  const voided = new Set(input.voids.map((v) => v.screeningId));
  let anonymous = 0;
  for (const s of input.screenings) {
    if (s.teamId !== teamId || !inWeek(s.at) || voided.has(s.id)) continue;
    const t = tally(s.mentorId);
    t.screenings++;
    t.byUrgency[s.urgency]++;
    t.byQuestionnaire[s.questionnaire] = (t.byQuestionnaire[s.questionnaire] ?? 0) + 1;
    t.clients.add(s.clientId ?? `anonymous:${anonymous++}`);
    activeOn(t, s.at);
  }

  // Referral state at the week's end, replayed from the events before it.
  const opened = new Map<string, Opened>();
  const state = new Map<string, { open: boolean; dueAt: string | null }>();
  for (const e of input.referrals) {
    if (e.at >= to) continue;
    if (e.type === 'referral') {
      opened.set(e.id, e);
      state.set(e.id, { open: true, dueAt: e.dueAt });
      if (e.teamId === teamId && inWeek(e.at)) {
        const t = tally(e.mentorId);
        t.referralsCreated++;
        t.clients.add(e.clientId);
        activeOn(t, e.at);
      }
      continue;
    }
    const referral = opened.get(e.referralId);
    const s = state.get(e.referralId);
    if (!referral || !s) continue;
    const closes = e.type === 'cancelled' || CLOSING.has(e.outcome);
    if (closes) s.open = false;
    else if (e.type === 'outcome') s.dueAt = e.dueAt;
    if (referral.teamId !== teamId || !inWeek(e.at)) continue;
    const t = tally(e.mentorId);
    if (e.type === 'outcome') {
      if (closes) t.referralsCompleted++;
      t.clients.add(e.clientId);
    }
    activeOn(t, e.at);
  }
  for (const [id, s] of state) {
    const referral = opened.get(id);
    if (!referral || referral.teamId !== teamId || !s.open || s.dueAt === null || s.dueAt >= to) continue;
    const t = tally(referral.mentorId);
    t.referralsOverdue++;
    if (referral.urgency === 'emergency') t.overdueEmergency++;
  }

  // First pass per person and module, over every result before the week's end.
  const firstPass = new Map<string, TrainingRecord>();
  for (const r of input.training) {
    if (r.at >= to) continue;
    if (r.teamId === teamId && inWeek(r.at)) activeOn(tally(r.userId), r.at);
    if (!r.passed) continue;
    const key = `${r.userId}|${r.moduleId}`;
    const earlier = firstPass.get(key);
    if (!earlier || r.at < earlier.at) firstPass.set(key, r);
  }
  for (const r of firstPass.values())
    if (r.teamId === teamId && inWeek(r.at)) tally(r.userId).modulesPassed++;
  return tallies;
}

function toMentorWeek(mentorId: string, mentor: string, t: Tally): MentorWeek {
  return {
    mentorId,
    mentor,
    screenings: t.screenings,
    byUrgency: { ...t.byUrgency },
    byQuestionnaire: { ...t.byQuestionnaire },
    referralsCreated: t.referralsCreated,
    referralsCompleted: t.referralsCompleted,
    referralsOverdue: t.referralsOverdue,
    clientsReached: t.clients.size,
    modulesPassed: t.modulesPassed,
    activeDays: t.days.size,
  };
}

/** Team totals: sums, except clients reached, which are distinct across the team (two mentors, one client). */
function totalsOf(tallies: ReadonlyMap<string, Tally>): Totals {
  const clients = new Set<string>();
  const totals: Totals = {
    screenings: 0,
    byUrgency: emptyUrgency(),
    byQuestionnaire: {},
    referralsCreated: 0,
    referralsCompleted: 0,
    referralsOverdue: 0,
    clientsReached: 0,
    modulesPassed: 0,
    // Mentor-days: the sum of each mentor's active days.
    activeDays: 0,
  };
  for (const t of tallies.values()) {
    totals.screenings += t.screenings;
    for (const u of URGENCIES) totals.byUrgency[u] += t.byUrgency[u];
    for (const [q, n] of Object.entries(t.byQuestionnaire)) {
      totals.byQuestionnaire[q] = (totals.byQuestionnaire[q] ?? 0) + n;
    }
    totals.referralsCreated += t.referralsCreated;
    totals.referralsCompleted += t.referralsCompleted;
    totals.referralsOverdue += t.referralsOverdue;
    totals.modulesPassed += t.modulesPassed;
    totals.activeDays += t.days.size;
    for (const c of t.clients) clients.add(c);
  }
  totals.clientsReached = clients.size;
  return totals;
}

/** Flags first, in the order a supervisor acts on them: overdue emergencies, idle mentors, emergencies. */
function flagsOf(
  rows: readonly { week: MentorWeek; tally: Tally }[],
  members: ReadonlySet<string>,
): SummaryFlag[] {
  const flags: SummaryFlag[] = [];
  for (const { week: m, tally } of rows) {
    if (tally.overdueEmergency > 0) {
      flags.push({
        kind: 'overdue-emergency',
        mentorId: m.mentorId,
        mentor: m.mentor,
        count: tally.overdueEmergency,
      });
    }
  }
  for (const { week: m, tally } of rows) {
    // Only a current member can be idle here: one who moved away shows only for what she left open.
    if (tally.days.size === 0 && members.has(m.mentorId))
      flags.push({ kind: 'inactive', mentorId: m.mentorId, mentor: m.mentor });
  }
  for (const { week: m } of rows) {
    if (m.byUrgency.emergency > 0) {
      flags.push({
        kind: 'emergencies',
        mentorId: m.mentorId,
        mentor: m.mentor,
        count: m.byUrgency.emergency,
      });
    }
  }
  return flags;
}

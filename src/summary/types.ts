import type { Urgency } from '../screening/schema.js';

/**
 * Weekly summaries for supervisors (issue 12): the shapes the pure summary, the chart, the CSV, the chat flow, the
 * command line and the weekly push share.
 */

/** An ISO week (Monday to Sunday) in one timezone. */
export interface Week {
  /** `2026-W49`. */
  id: string;
  /** The IANA timezone the week is read in (the team's). */
  timeZone: string;
  /** Local dates, inclusive: Monday and Sunday, `YYYY-MM-DD`. */
  from: string;
  to: string;
  /** The instants bounding it: [start, end). */
  start: Date;
  end: Date;
}

export const URGENCIES: readonly Urgency[] = ['emergency', 'urgent', 'routine', 'none'];

/** One mentor's week. Clients appear only as counts. */
export interface MentorWeek {
  mentorId: string;
  /** Her display name, as supervisors know her. */
  mentor: string;
  screenings: number;
  byUrgency: Record<Urgency, number>;
  byQuestionnaire: Record<string, number>;
  referralsCreated: number;
  /** Referrals (of any week) whose outcome was recorded this week. */
  referralsCompleted: number;
  /** Open referrals whose due date passed before the end of the week. */
  referralsOverdue: number;
  /** Distinct clients screened or followed up this week. */
  clientsReached: number;
  modulesPassed: number;
  /** Local days with any recorded activity. */
  activeDays: number;
}

export type SummaryFlag =
  | { kind: 'overdue-emergency'; mentorId: string; mentor: string; count: number }
  | { kind: 'inactive'; mentorId: string; mentor: string }
  | { kind: 'emergencies'; mentorId: string; mentor: string; count: number };

/** One team's week: per mentor, totals, the week before's totals, flags first. */
export interface TeamSummary {
  teamId: string;
  team: string;
  week: Week;
  mentors: MentorWeek[];
  totals: Omit<MentorWeek, 'mentorId' | 'mentor'>;
  previous: Omit<MentorWeek, 'mentorId' | 'mentor'>;
  flags: SummaryFlag[];
}

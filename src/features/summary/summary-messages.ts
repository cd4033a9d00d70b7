import type { OutMessage } from '../../core/messages.js';
import type { Translator } from '../../i18n/i18n.js';
import type { Urgency } from '../../screening/schema.js';
import type { ChartData, ChartRenderer } from '../../summary/chart/render-chart.js';
import { summaryCsv } from '../../summary/csv.js';
import { type MentorWeek, type TeamSummary, URGENCIES } from '../../summary/types.js';
import { writeExport } from './export-files.js';

type Counts = Omit<MentorWeek, 'mentorId' | 'mentor'>;

/** Colour-blind safe (Okabe-Ito), in the fixed urgency order of the chart. */
const COLORS: Record<Urgency, string> = {
  emergency: '#D55E00',
  urgent: '#E69F00',
  routine: '#0072B2',
  none: '#999999',
};

/** Where the summary's files go and what draws the chart (Services.summary). */
export interface SummaryOutputs {
  charts: ChartRenderer;
  exportsDir: string;
}

const change = (now: number, before: number): string => {
  const d = now - before;
  return d > 0 ? `+${d}` : d < 0 ? `−${-d}` : '±0';
};

function flagLines(summary: TeamSummary, t: Translator): string[] {
  return summary.flags.map((flag) => {
    switch (flag.kind) {
      case 'overdue-emergency':
        return `• ${t('summary:flag.overdueEmergency', { mentor: flag.mentor, count: flag.count })}`;
      case 'inactive':
        return `• ${t('summary:flag.inactive', { mentor: flag.mentor })}`;
      case 'emergencies':
        return `• ${t('summary:flag.emergencies', { mentor: flag.mentor, count: flag.count })}`;
    }
    return '';
  });
}

function countLines(c: Counts, t: Translator): string[] {
  return [
    t('summary:screenings', {
      count: c.screenings,
      emergency: c.byUrgency.emergency,
      urgent: c.byUrgency.urgent,
      routine: c.byUrgency.routine,
      none: c.byUrgency.none,
    }),
    t('summary:referrals', {
      created: c.referralsCreated,
      completed: c.referralsCompleted,
      overdue: c.referralsOverdue,
    }),
    t('summary:activity', { clients: c.clientsReached, modules: c.modulesPassed, days: c.activeDays }),
  ];
}

/** One team's week as one message: flags first, then each mentor, then the totals against the week before. */
export function summaryText(summary: TeamSummary, t: Translator): string {
  const { week, totals: now, previous: before } = summary;
  const parts = [t('summary:title', { team: summary.team, week: week.id, from: week.from, to: week.to })];
  const flags = flagLines(summary, t);
  if (flags.length > 0) parts.push([t('summary:flagsTitle'), ...flags].join('\n'));
  if (summary.mentors.length === 0) parts.push(t('summary:noMentors'));
  for (const mentor of summary.mentors)
    parts.push([`*${mentor.mentor}*`, ...countLines(mentor, t)].join('\n'));
  parts.push(
    [
      t('summary:totalsTitle'),
      t('summary:totalScreenings', {
        count: now.screenings,
        change: change(now.screenings, before.screenings),
      }),
      t('summary:totalEmergencies', {
        count: now.byUrgency.emergency,
        change: change(now.byUrgency.emergency, before.byUrgency.emergency),
      }),
      t('summary:totalReferrals', {
        created: now.referralsCreated,
        createdChange: change(now.referralsCreated, before.referralsCreated),
        completed: now.referralsCompleted,
        completedChange: change(now.referralsCompleted, before.referralsCompleted),
        overdue: now.referralsOverdue,
        overdueChange: change(now.referralsOverdue, before.referralsOverdue),
      }),
      t('summary:totalClients', {
        count: now.clientsReached,
        change: change(now.clientsReached, before.clientsReached),
      }),
      t('summary:totalModules', {
        count: now.modulesPassed,
        change: change(now.modulesPassed, before.modulesPassed),
      }),
    ].join('\n'),
  );
  return parts.join('\n\n');
}

/** Every team's week in one message for an admin: one line per team. */
export function overviewText(summaries: readonly TeamSummary[], t: Translator): string {
  const week = summaries[0]?.week;
  if (!week) return t('summary:noTeams');
  const lines = summaries.map((s) =>
    t('summary:teamLine', {
      team: s.team,
      mentors: s.mentors.length,
      screenings: s.totals.screenings,
      change: change(s.totals.screenings, s.previous.screenings),
      emergencies: s.totals.byUrgency.emergency,
      overdue: s.totals.referralsOverdue,
      inactive: s.flags.filter((f) => f.kind === 'inactive').length,
    }),
  );
  return [t('summary:overviewTitle', { week: week.id }), ...lines.map((l) => `• ${l}`)].join('\n');
}

/** The chart's data: per mentor, screenings stacked by urgency, every label in her language. */
export function chartData(summary: TeamSummary, t: Translator): ChartData {
  const order = [...URGENCIES];
  return {
    title: t('summary:chart.title', { team: summary.team, week: summary.week.id }),
    mentors: summary.mentors.map((m) => m.mentor),
    series: order.map((urgency) => ({
      label: t(`summary:urgency.${urgency}`),
      color: COLORS[urgency],
      values: summary.mentors.map((m) => m.byUrgency[urgency]),
    })),
    yLabel: t('summary:chart.yLabel'),
  };
}

/**
 * One team's week as the messages a supervisor gets: the text, the chart (an image) and the table (a CSV
 * document). A chart that cannot be drawn leaves the text and the table.
 */
export async function summaryMessages(
  summary: TeamSummary,
  t: Translator,
  outputs: SummaryOutputs,
  now: Date,
  onChartError?: (error: unknown) => void,
): Promise<OutMessage[]> {
  const messages: OutMessage[] = [{ type: 'text', text: summaryText(summary, t) }];
  const base = `summary-${summary.week.id}`;
  try {
    const png = await outputs.charts.render(chartData(summary, t));
    const path = await writeExport(outputs.exportsDir, `${base}.png`, png, now);
    messages.push({ type: 'image', path, caption: t('summary:chart.caption') });
  } catch (error) {
    onChartError?.(error);
  }
  const csv = await writeExport(outputs.exportsDir, `${base}.csv`, summaryCsv([summary]), now);
  messages.push({ type: 'document', path: csv, caption: t('summary:csvCaption') });
  return messages;
}

/** Every team's table in one CSV (an admin's overview). */
export async function overviewCsv(
  summaries: readonly TeamSummary[],
  t: Translator,
  outputs: SummaryOutputs,
  now: Date,
): Promise<OutMessage> {
  const week = summaries[0]?.week.id ?? 'week';
  const path = await writeExport(
    outputs.exportsDir,
    `summary-${week}-all.csv`,
    summaryCsv([...summaries]),
    now,
  );
  return { type: 'document', path, caption: t('summary:csvCaption') };
}

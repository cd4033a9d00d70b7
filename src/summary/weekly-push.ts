import { Cron } from 'croner';
import type { Team } from '../accounts/types.js';
import type { Push } from '../core/messages.js';
import { safeError } from '../core/safe-error.js';
import type { Services } from '../core/services.js';
import { summaryMessages } from '../features/summary/summary-messages.js';
import type { AuditRecord } from '../store/port.js';
import { summarize } from './gather.js';
import { previousWeek, weekOf } from './week.js';

/** Audit action of a team's weekly push: target the team, detail the week summarised. */
export const SUMMARY_PUSHED = 'summary.pushed';

const DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;

/** Far enough back to see this week's and last week's pushes. */
const LOOKBACK_MS = 15 * 24 * 3_600_000;

export interface Schedule {
  /** ISO weekday: 1 Monday to 7 Sunday. */
  day: number;
  /** HH:MM local time. */
  time: string;
}

/** `MON 07:00` as a schedule; `off` as null. The config has checked the form. */
export function parseSchedule(spec: string): Schedule | null {
  const match = /^([A-Z]{3}) (\d{2}:\d{2})$/.exec(spec.trim().toUpperCase());
  if (!match) return null;
  const day = DAYS.indexOf(match[1] as (typeof DAYS)[number]) + 1;
  return day > 0 ? { day, time: match[2] as string } : null;
}

/** The local ISO weekday (1-7) and HH:MM of an instant in a timezone. */
function localWhen(at: Date, timeZone: string): { day: number; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone,
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = DAYS.indexOf(part('weekday').toUpperCase() as (typeof DAYS)[number]) + 1;
  // Some runtimes write midnight as 24:00.
  const hour = part('hour') === '24' ? '00' : part('hour');
  return { day, time: `${hour}:${part('minute')}` };
}

/**
 * The week a team's push is due for at `now`, or null: once the schedule's local day and time have come this
 * week (in the team's timezone), the week before is due. A push missed while the bot was down is thus still due
 * when it comes back later that week.
 */
export function dueWeek(schedule: Schedule, now: Date, timeZone: string): string | null {
  const { day, time } = localWhen(now, timeZone);
  if (day < schedule.day || (day === schedule.day && time < schedule.time)) return null;
  return previousWeek(weekOf(now, timeZone)).id;
}

type Deliver = (pushes: Push[]) => Promise<readonly { status: 'sent' | 'failed' }[]>;
type PushServices = Pick<Services, 'store' | 'i18n' | 'summary' | 'logger'>;

/** One team's week to each of its active supervisors, in her language. */
async function pushesOf(services: PushServices, team: Team, week: string, now: Date): Promise<Push[]> {
  const { store, i18n, logger } = services;
  const supervisors = (await store.users.list()).filter(
    (u) => u.role === 'supervisor' && u.active && u.teamId === team.id,
  );
  if (supervisors.length === 0) return [];
  const [summary] = await summarize(store, { teamIds: [team.id], week, now });
  if (!summary) return [];
  const pushes: Push[] = [];
  // The chart and the CSV once per language, not once per supervisor.
  const byLang = new Map<string, Awaited<ReturnType<typeof summaryMessages>>>();
  for (const supervisor of supervisors) {
    const t = i18n.t(supervisor.lang);
    let messages = byLang.get(supervisor.lang);
    if (!messages) {
      messages = await summaryMessages(summary, t, services.summary, now, (error) =>
        logger.warn({ err: safeError(error), team: team.id }, 'summary chart failed'),
      );
      byLang.set(supervisor.lang, messages);
    }
    pushes.push({ userId: supervisor.id, message: { type: 'text', text: t('summary:pushIntro') } });
    for (const message of messages) pushes.push({ userId: supervisor.id, message });
  }
  return pushes;
}

/**
 * Sends each team's weekly summary whose time has come (SUMMARY_SCHEDULE in the team's timezone) and that was not
 * sent yet for that week: at the time itself, or when the bot is back after being down then. Each team's push is
 * recorded in the audit journal with its week, so it goes out once. Returns how many messages were delivered.
 */
export async function runDueSummaries(
  services: PushServices,
  scheduleSpec: string,
  now: Date,
  deliver: Deliver,
): Promise<number> {
  const schedule = parseSchedule(scheduleSpec);
  if (!schedule) return 0;
  const audit = services.store.journal<AuditRecord>('audit');
  const sent = await audit.query({
    from: new Date(now.getTime() - LOOKBACK_MS).toISOString(),
    where: { action: SUMMARY_PUSHED },
  });
  const done = new Set(sent.map((r) => `${r.target}/${r.detail?.week}`));
  let delivered = 0;
  for (const team of await services.store.teams.list()) {
    const week = dueWeek(schedule, now, team.timezone);
    if (!week || done.has(`${team.id}/${week}`)) continue;
    const pushes = await pushesOf(services, team, week, now);
    const outcomes = pushes.length > 0 ? await deliver(pushes) : [];
    const ok = outcomes.filter((o) => o.status === 'sent').length;
    delivered += ok;
    // Recorded even when some failed: a supervisor who cannot be reached is not sent last week's summary again.
    await audit.append({
      at: now.toISOString(),
      actor: null,
      action: SUMMARY_PUSHED,
      target: team.id,
      detail: { week, messages: pushes.length, delivered: ok },
    });
  }
  return delivered;
}

/** Runs the pushes due at start, then checks every minute (croner), one run at a time. */
export function startWeeklySummaries(
  services: PushServices & Pick<Services, 'clock'>,
  scheduleSpec: string,
  deliver: Deliver,
): () => void {
  if (!parseSchedule(scheduleSpec)) return () => undefined;
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return running;
    running = runDueSummaries(services, scheduleSpec, services.clock.now(), deliver)
      .then((count) => {
        if (count > 0) services.logger.info({ count }, 'weekly summaries sent');
      })
      .catch((error: unknown) => services.logger.error({ err: safeError(error) }, 'summary tick failed'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  void tick();
  const job = new Cron('* * * * *', () => tick());
  return () => job.stop();
}

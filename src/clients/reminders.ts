import { Cron } from 'croner';
import type { Team, User } from '../accounts/types.js';
import type { Push } from '../core/messages.js';
import { safeError } from '../core/safe-error.js';
import type { Services } from '../core/services.js';
import type { AuditRecord } from '../store/port.js';
import type { FollowUp } from './records.js';
import type { Client } from './types.js';

/** "HH:MM" in a timezone at an instant. */
export function localTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone,
  }).format(at);
}

/** The local calendar day (YYYY-MM-DD) of an instant in a timezone. */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone,
  }).format(at);
}

/**
 * Follow-ups due today or overdue for one mentor, as of `now` in her team's timezone. A pure function of the
 * records, so tests pin the day and the timezone.
 */
export function dueToday(
  followUps: FollowUp[],
  clients: Client[],
  mentorId: string,
  now: Date,
  timeZone: string,
): FollowUp[] {
  const mine = new Set(clients.filter((c) => c.mentorId === mentorId).map((c) => c.id));
  const today = localDay(now, timeZone);
  return followUps.filter(
    (f) =>
      f.status === 'open' &&
      mine.has(f.referral.clientId) &&
      f.dueAt !== null &&
      localDay(new Date(f.dueAt), timeZone) <= today,
  );
}

/** The reminders of one team's mentors as of `now`: to each active mentor with follow-ups due today or overdue. */
async function remindersOf(
  services: Services,
  team: Team,
  users: readonly User[],
  now: Date,
): Promise<Push[]> {
  const { store, i18n } = services;
  const clients = await store.clients.list({ teamId: team.id });
  const open = services.records.index.openFollowUps(new Set(clients.map((c) => c.id)));
  const pushes: Push[] = [];
  for (const mentor of users.filter((u) => u.role === 'mentor' && u.active && u.teamId === team.id)) {
    const due = dueToday(open, clients, mentor.id, now, team.timezone);
    if (due.length === 0) continue;
    const codes = [...new Set(due.map((f) => clients.find((c) => c.id === f.referral.clientId)?.code ?? ''))];
    pushes.push({
      userId: mentor.id,
      message: {
        type: 'text',
        text: i18n.t(mentor.lang)('clients.reminder', { count: due.length, codes: codes.join(', ') }),
      },
    });
  }
  return pushes;
}

/** The reminders to send at this minute: to each active mentor whose team's local time is REMINDER_TIME. */
export async function remindersAt(services: Services, now: Date): Promise<Push[]> {
  const { store, config } = services;
  const teams = (await store.teams.list()).filter((t) => localTime(now, t.timezone) === config.REMINDER_TIME);
  if (teams.length === 0) return [];
  const users = await store.users.list();
  const pushes: Push[] = [];
  for (const team of teams) pushes.push(...(await remindersOf(services, team, users, now)));
  return pushes;
}

/** Audit actions that say what the daily reminders did (ids and the local day only). */
export const REMINDERS_RUN = 'reminders.run';
export const REMINDER_SENT = 'reminder.sent';

/** Far enough back to see every record of a team's current local day, whatever its timezone. */
const LOOKBACK_MS = 48 * 3_600_000;

/**
 * Sends the day's reminders of every team whose local time has reached REMINDER_TIME and whose reminders have not
 * run today: at REMINDER_TIME itself, or as soon as the bot is back when it was down then. What was sent is written
 * to the audit journal (the team's run for its local day; each mentor reminded), so a restart neither skips nor
 * repeats a day's reminder. A mentor who could not be reached is not reminded again that day (nor counted as
 * reminded). Returns how many reminders were delivered.
 */
export async function runDueReminders(
  services: Services,
  now: Date,
  deliver: (pushes: Push[]) => Promise<readonly { status: 'sent' | 'failed' }[]>,
): Promise<number> {
  const { store, config } = services;
  const audit = store.journal<AuditRecord>('audit');
  const from = new Date(now.getTime() - LOOKBACK_MS).toISOString();
  const done = (await audit.query({ from })).filter(
    (r) => r.action === REMINDERS_RUN || r.action === REMINDER_SENT,
  );
  const ran = (action: string, target: string, day: string) =>
    done.some((r) => r.action === action && r.target === target && r.detail?.day === day);
  const teams = (await store.teams.list()).filter(
    (t) =>
      localTime(now, t.timezone) >= config.REMINDER_TIME &&
      !ran(REMINDERS_RUN, t.id, localDay(now, t.timezone)),
  );
  if (teams.length === 0) return 0;
  const users = await store.users.list();
  let delivered = 0;
  for (const team of teams) {
    const day = localDay(now, team.timezone);
    const pushes = (await remindersOf(services, team, users, now)).filter(
      (p) => !ran(REMINDER_SENT, p.userId, day),
    );
    const outcomes = pushes.length > 0 ? await deliver(pushes) : [];
    for (const [i, push] of pushes.entries()) {
      if (outcomes[i]?.status !== 'sent') continue;
      delivered++;
      await audit.append({
        at: now.toISOString(),
        actor: null,
        action: REMINDER_SENT,
        target: push.userId,
        detail: { team: team.id, day },
      });
    }
    await audit.append({
      at: now.toISOString(),
      actor: null,
      action: REMINDERS_RUN,
      target: team.id,
      detail: { day, late: localTime(now, team.timezone) !== config.REMINDER_TIME },
    });
  }
  return delivered;
}

/**
 * Sends the reminders that are due at start (a day's reminders missed while the bot was down go out now, once),
 * then checks every minute (croner) whether REMINDER_TIME has come in some team's timezone.
 */
export function startReminders(
  services: Services,
  deliver: (pushes: Push[]) => Promise<readonly { status: 'sent' | 'failed' }[]>,
): () => void {
  let running: Promise<void> | null = null;
  const tick = () => {
    // One run at a time: a slow delivery must not let the next minute send the same reminders again.
    if (running) return running;
    running = runDueReminders(services, services.clock.now(), deliver)
      .then((count) => {
        if (count > 0) services.logger.info({ count }, 'follow-up reminders sent');
      })
      .catch((error: unknown) => services.logger.error({ err: safeError(error) }, 'reminder tick failed'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  void tick();
  const job = new Cron('* * * * *', () => tick());
  return () => job.stop();
}

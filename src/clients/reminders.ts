import { Cron } from 'croner';
import type { Push } from '../core/messages.js';
import type { Services } from '../core/services.js';
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

/** The reminders to send at this minute: to each active mentor whose team's local time is REMINDER_TIME. */
export async function remindersAt(services: Services, now: Date): Promise<Push[]> {
  const { store, config, i18n } = services;
  const teams = (await store.teams.list()).filter((t) => localTime(now, t.timezone) === config.REMINDER_TIME);
  if (teams.length === 0) return [];
  const pushes: Push[] = [];
  const users = await store.users.list();
  for (const team of teams) {
    const clients = await store.clients.list({ teamId: team.id });
    const open = services.records.index.openFollowUps(new Set(clients.map((c) => c.id)));
    for (const mentor of users.filter((u) => u.role === 'mentor' && u.active && u.teamId === team.id)) {
      const due = dueToday(open, clients, mentor.id, now, team.timezone);
      if (due.length === 0) continue;
      const codes = [
        ...new Set(due.map((f) => clients.find((c) => c.id === f.referral.clientId)?.code ?? '')),
      ];
      pushes.push({
        userId: mentor.id,
        message: {
          type: 'text',
          text: i18n.t(mentor.lang)('clients.reminder', { count: due.length, codes: codes.join(', ') }),
        },
      });
    }
  }
  return pushes;
}

/** Checks every minute (croner) whether it is REMINDER_TIME in some team's timezone, and sends the reminders. */
export function startReminders(
  services: Services,
  deliver: (pushes: Push[]) => Promise<unknown>,
): () => void {
  // One reminder per mentor per day, even if a tick runs twice in the reminder minute.
  const sent = new Set<string>();
  const job = new Cron(
    '* * * * *',
    { catch: (error) => services.logger.error({ err: error }, 'reminder tick failed') },
    async () => {
      const now = services.clock.now();
      const day = now.toISOString().slice(0, 10);
      const pushes = (await remindersAt(services, now)).filter((p) => {
        const key = `${p.userId}|${day}`;
        if (sent.has(key)) return false;
        sent.add(key);
        return true;
      });
      if (pushes.length > 0) {
        await deliver(pushes);
        services.logger.info({ count: pushes.length }, 'follow-up reminders sent');
      }
    },
  );
  return () => job.stop();
}

import type { Team, User } from '../accounts/types.js';
import type { DeliveryReport } from '../core/flow.js';
import type { AuditRecord, StoreView } from '../store/port.js';
import { ALERT_TAG } from './emergency-alert.js';

/**
 * What happens when an emergency alert cannot reach a supervisor. The channels have already retried failures
 * that were only for now and tried each of her linked channels (push-delivery.ts, delivery.ts); this decides what
 * comes next, one report at a time: once no supervisor of the team was reached, an admin of the team's country is
 * alerted, and the mentor is told to call herself. Every try and every outcome goes to the audit journal, ids
 * only (screening, person, channel, reason): never a text, a client's code or an address.
 */

/** The tag of the alert pushed to an admin when no supervisor could be reached. */
export const ADMIN_ALERT_TAG = 'alert-admin';

export type AlertLevel = 'supervisor' | 'admin';

const levelOf = (tag: string): AlertLevel | null =>
  tag === ALERT_TAG ? 'supervisor' : tag === ADMIN_ALERT_TAG ? 'admin' : null;

/**
 * The admins to alert for an emergency in `team`: active admins whose own team is in the same country; when there
 * are none, every active admin (someone must hear of it).
 */
export function countryAdmins(
  team: Team | undefined,
  users: readonly User[],
  teams: readonly Team[],
): User[] {
  const admins = users.filter((u) => u.role === 'admin' && u.active);
  const countryOf = new Map(teams.map((t) => [t.id, t.country]));
  const local = team
    ? admins.filter((a) => a.teamId !== null && countryOf.get(a.teamId) === team.country)
    : [];
  return local.length > 0 ? local : admins;
}

export async function adminsToAlert(
  store: Pick<StoreView, 'teams' | 'users'>,
  mentor: User,
): Promise<User[]> {
  const team = mentor.teamId ? await store.teams.get(mentor.teamId) : undefined;
  return countryAdmins(team, await store.users.list(), await store.teams.list()).filter(
    (a) => a.id !== mentor.id,
  );
}

/** The ids an admin alert carries. */
export const adminAlertData = (adminId: string, screeningId: string, all: readonly string[]) => ({
  adminId,
  screeningId,
  admins: all.join(','),
});

/** Who a report is about, and everyone alerted at the same level for the same screening. */
function recipients(report: DeliveryReport, level: AlertLevel): { who: string; all: string[] } {
  const data = report.data ?? {};
  const who = (level === 'supervisor' ? data.supervisorId : data.adminId) ?? '';
  const list = level === 'supervisor' ? data.supervisors : data.admins;
  const all = list ? list.split(',').filter(Boolean) : [who];
  return { who, all: all.includes(who) ? all : [...all, who] };
}

/**
 * The audit lines of one report: one per channel tried (`alert.attempt`) and the outcome for that person
 * (`alert.delivered` or `alert.undelivered`). `target` is the screening id, so a screening's lines are found by it.
 */
export function alertAuditRecords(at: Date, mentorId: string, report: DeliveryReport): AuditRecord[] {
  const level = levelOf(report.tag);
  if (!level) return [];
  const { who } = recipients(report, level);
  const target = report.data?.screeningId ?? '';
  const base = { at: at.toISOString(), actor: mentorId, target };
  const tries = (report.attempts ?? []).map(
    (a, i): AuditRecord => ({
      ...base,
      action: 'alert.attempt',
      detail: {
        level,
        recipient: who,
        channel: a.channel,
        status: a.status,
        reason: a.reason ?? null,
        try: i + 1,
      },
    }),
  );
  const outcome: AuditRecord = {
    ...base,
    action: report.status === 'sent' ? 'alert.delivered' : 'alert.undelivered',
    detail: {
      level,
      recipient: who,
      channel: report.attempts?.findLast((a) => a.status === 'sent')?.channel ?? null,
      reason: report.status === 'sent' ? null : (report.reason ?? 'unknown'),
      tries: report.attempts?.length ?? 0,
    },
  };
  return [...tries, outcome];
}

/** What comes after one report on an alert. */
export type AlertStep =
  /** This person got the alert: tell the mentor so. */
  | { kind: 'told'; level: AlertLevel; recipient: string }
  /** Not reached, but someone else at this level was: nothing more to do. */
  | { kind: 'covered'; level: AlertLevel; recipient: string }
  /** Not reached; others at this level have not been heard of yet: wait for them. */
  | { kind: 'waiting'; level: AlertLevel; recipient: string }
  /** No supervisor was reached: the mentor must call herself; these admins are alerted now (maybe none). */
  | { kind: 'escalate'; admins: User[] }
  /** No admin was reached either. */
  | { kind: 'nobody' };

/**
 * Records what became of an alert (in the caller's unit of work) and decides what comes next. Reports of one
 * mentor are handled one at a time (the engine runs them in her queue, each committed before the next), so the
 * journal says who has been heard of. Null for reports that are not about an alert.
 */
export async function afterAlertReport(
  store: Pick<StoreView, 'teams' | 'users' | 'journal'>,
  mentor: User,
  report: DeliveryReport,
  at: Date,
): Promise<AlertStep | null> {
  const level = levelOf(report.tag);
  if (!level) return null;
  const journal = store.journal<AuditRecord>('audit');
  for (const record of alertAuditRecords(at, mentor.id, report)) await journal.append(record);
  const { who, all } = recipients(report, level);
  if (report.status === 'sent') return { kind: 'told', level, recipient: who };
  const screeningId = report.data?.screeningId ?? '';
  const heard = (await journal.query({ where: { target: screeningId } })).filter(
    (r) => r.detail?.level === level && (r.action === 'alert.delivered' || r.action === 'alert.undelivered'),
  );
  if (heard.some((r) => r.action === 'alert.delivered')) return { kind: 'covered', level, recipient: who };
  const failed = new Set(heard.map((r) => String(r.detail?.recipient)));
  if (!all.every((id) => failed.has(id))) return { kind: 'waiting', level, recipient: who };
  if (level === 'admin') return { kind: 'nobody' };
  return { kind: 'escalate', admins: await adminsToAlert(store, mentor) };
}

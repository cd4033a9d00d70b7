import type { User } from '../../accounts/types.js';
import { contactLines, mentorContacts } from '../../clients/alert-contact.js';
import { ADMIN_ALERT_TAG, adminAlertData, afterAlertReport } from '../../clients/alert-escalation.js';
import { ALERT_TAG, alertData, supervisorsToAlert } from '../../clients/emergency-alert.js';
import { withConsent } from '../../clients/screening-record.js';
import type { Client } from '../../clients/types.js';
import type { DeliveryReport, FlowContext } from '../../core/flow.js';
import type { Outcome } from '../../screening/questionnaire-engine.js';
import type { Questionnaire } from '../../screening/schema.js';
import { QuestionnaireTexts } from './localize.js';

type AlertContext = Pick<
  FlowContext,
  'now' | 'user' | 'address' | 'lang' | 't' | 'store' | 'content' | 'services' | 'say' | 'push'
>;

const names = (users: readonly User[]) => users.map((u) => u.name).join(', ');

/**
 * Sends the alert to every active supervisor of her team, each in her own language, with a way to reach the
 * mentor at once (her number, or a tap that opens her chat), and says it is on its way (not that it arrived:
 * `alertDelivered` says that once it has, or tells her to call when it could not get through). With no
 * supervisor to alert, she is told at once to call someone herself.
 */
export async function alertSupervisors(
  ctx: AlertContext,
  q: Questionnaire,
  outcome: Outcome,
  screeningId: string,
  client: Client | null,
): Promise<void> {
  const user = ctx.user;
  const supervisors = user ? await supervisorsToAlert(ctx.store, user) : [];
  if (!user || supervisors.length === 0) {
    ctx.services.logger.warn(
      { user: ctx.services.pseudo(user?.id ?? '') },
      'emergency: no supervisor to alert',
    );
    // Nobody should be left alone with an emergency: say so, so she calls someone herself.
    ctx.say(ctx.t('screening.noSupervisor'));
    return;
  }
  const contacts = mentorContacts(user, ctx.address);
  const all = supervisors.map((s) => s.id);
  for (const supervisor of supervisors) {
    const t = ctx.services.i18n.t(supervisor.lang);
    const texts = new QuestionnaireTexts(q, ctx.content.catalog, supervisor.lang);
    // Her client's code and the reasons only with the client's consent; otherwise the alert names no one.
    const text = withConsent(client)
      ? t('screening.alert', {
          mentor: user.name,
          code: client.code,
          questionnaire: texts.title(),
          reasons: outcome.reasons.map((r) => texts.rule(r)).join('; '),
        })
      : t('screening.alertAnonymous', { mentor: user.name, questionnaire: texts.title() });
    ctx.push(
      supervisor.id,
      { type: 'text', text: `${text}\n${contactLines(t, contacts, user.name)}` },
      { tag: ALERT_TAG, data: alertData(supervisor.id, screeningId, all) },
    );
  }
  ctx.say(
    supervisors.length === 1
      ? ctx.t('screening.tellingSupervisor', { name: names(supervisors) })
      : ctx.t('screening.tellingSupervisors', { names: names(supervisors) }),
  );
}

/**
 * What became of an alert, one report at a time (alert-escalation.ts decides and records): she hears that her
 * supervisor has been told only once the message was delivered. When no supervisor could be reached (after the
 * retries and her other channels), she is told to call her supervisor or the facility now, with the numbers, and
 * an admin of the team's country is alerted; she hears when the admin has been told.
 */
export async function alertDelivered(
  ctx: AlertContext,
  report: DeliveryReport,
  emergencyNumbers: (ctx: AlertContext) => Promise<string>,
): Promise<void> {
  const mentor = ctx.user;
  if (!mentor) return;
  const step = await afterAlertReport(ctx.store, mentor, report, ctx.now);
  if (!step) return;
  const nameOf = async (id: string) => (await ctx.store.users.get(id))?.name ?? '';
  const log = (event: string) =>
    ctx.services.logger.warn(
      { user: ctx.services.pseudo(mentor.id), reason: report.reason ?? 'unknown', step: step.kind },
      event,
    );
  switch (step.kind) {
    case 'told':
      ctx.say(
        step.level === 'supervisor'
          ? ctx.t('screening.supervisorAlerted', { name: await nameOf(step.recipient) })
          : ctx.t('screening.adminAlerted', { name: await nameOf(step.recipient) }),
      );
      return;
    case 'covered':
    case 'waiting':
      log('emergency: an alert was not delivered');
      return;
    case 'escalate': {
      log('emergency: no supervisor could be reached');
      const ids = (report.data?.supervisors ?? report.data?.supervisorId ?? '').split(',').filter(Boolean);
      const supervisors = (await Promise.all(ids.map((id) => ctx.store.users.get(id)))).filter(
        (u): u is User => u !== undefined,
      );
      const lines = [
        ctx.t('screening.supervisorUnreachable', { name: names(supervisors) }),
        '',
        await emergencyNumbers(ctx),
      ];
      if (step.admins.length > 0) {
        lines.push('', ctx.t('screening.tellingAdmin', { name: names(step.admins) }));
        await alertAdmins(ctx, mentor, step.admins, report.data?.screeningId ?? '');
      }
      ctx.say(lines.join('\n'));
      return;
    }
    case 'nobody':
      log('emergency: no admin could be reached');
      ctx.say(ctx.t('screening.adminUnreachable'));
      return;
  }
}

/** The alert to admins: who needs help and how to reach her, never the client's code (admins are not her team). */
async function alertAdmins(
  ctx: AlertContext,
  mentor: User,
  admins: readonly User[],
  screeningId: string,
): Promise<void> {
  const team = mentor.teamId ? await ctx.store.teams.get(mentor.teamId) : undefined;
  const contacts = mentorContacts(mentor, ctx.address);
  const all = admins.map((a) => a.id);
  for (const admin of admins) {
    const t = ctx.services.i18n.t(admin.lang);
    const text = t('screening.alertAdmin', {
      mentor: mentor.name,
      team: team?.name ?? '',
      country: team?.country ?? '',
    });
    ctx.push(
      admin.id,
      { type: 'text', text: `${text}\n${contactLines(t, contacts, mentor.name)}` },
      { tag: ADMIN_ALERT_TAG, data: adminAlertData(admin.id, screeningId, all) },
    );
  }
}

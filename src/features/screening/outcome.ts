import { referralDueAt } from '../../clients/follow-up.js';
import type { Client, ScreeningRecord } from '../../clients/types.js';
import type { FlowContext } from '../../core/flow.js';
import type { Outcome } from '../../screening/questionnaire-engine.js';
import type { Questionnaire } from '../../screening/schema.js';
import { QuestionnaireTexts } from './localize.js';

const ICON = { emergency: '🚨', urgent: '⚠️', routine: '📅', none: '✅' } as const;

/**
 * Saves a completed screening (full record with consent, else an anonymous count), opens the referral, tells her
 * plainly what to do, and alerts her supervisor at once for an emergency.
 */
export async function recordOutcome(
  ctx: FlowContext,
  questionnaire: Questionnaire,
  outcome: Outcome,
  answers: Record<string, unknown>,
  client: Client | null,
): Promise<void> {
  const user = ctx.user;
  if (!user) return;
  const { ids, records } = ctx.services;
  const at = ctx.now.toISOString();
  const consent = client?.consent === true;
  const record: ScreeningRecord = {
    at,
    type: 'screening',
    id: ids.id(),
    clientId: consent ? (client?.id ?? null) : null,
    mentorId: user.id,
    teamId: user.teamId,
    questionnaire: outcome.questionnaire,
    version: outcome.version,
    answers: consent ? answers : null,
    score: consent ? outcome.score : null,
    band: consent ? outcome.band : null,
    urgency: outcome.urgency,
    reasons: consent ? outcome.reasons : [],
    consent,
  };
  await records().addScreening(record);
  const due = referralDueAt(outcome.urgency, ctx.now);
  if (consent && client && due) {
    await records().addReferralEvent({
      at,
      type: 'referral',
      id: ids.id(),
      clientId: client.id,
      mentorId: user.id,
      teamId: user.teamId,
      source: { kind: 'screening', screeningId: record.id, questionnaire: outcome.questionnaire },
      urgency: outcome.urgency,
      dueAt: due.toISOString(),
    });
  }
  ctx.say(await outcomeMessage(ctx, questionnaire, outcome, due));
  if (outcome.urgency === 'emergency')
    await alertSupervisor(ctx, questionnaire, outcome, consent ? client : null);
  ctx.services.logger.info(
    { user: ctx.services.pseudo(user.id), urgency: outcome.urgency },
    'screening recorded',
  );
}

async function outcomeMessage(
  ctx: FlowContext,
  q: Questionnaire,
  outcome: Outcome,
  due: Date | null,
): Promise<string> {
  const texts = new QuestionnaireTexts(q, ctx.services.catalog, ctx.lang);
  const lines = [`${ICON[outcome.urgency]} ${ctx.t(`screening.urgency.${outcome.urgency}`)}`];
  if (outcome.score !== null) {
    lines.push(
      ctx.t('screening.score', { score: outcome.score, band: outcome.band ? texts.band(outcome.band) : '' }),
    );
  }
  for (const reason of outcome.reasons) lines.push(`• ${texts.rule(reason)}`);
  lines.push('', texts.advice(outcome.urgency));
  for (const note of outcome.notes) lines.push('', texts.note(note));
  if (outcome.urgency === 'emergency') lines.push('', await emergencyNumbers(ctx));
  if (due) lines.push('', ctx.t('screening.followUpOn', { date: due.toISOString().slice(0, 10) }));
  lines.push('', ctx.t('screening.notDiagnosis'));
  return lines.join('\n');
}

/** The emergency and helpline numbers of her team's country, each from an official source (content/countries). */
export async function emergencyNumbers(ctx: FlowContext): Promise<string> {
  const team = ctx.user?.teamId ? await ctx.services.store.teams.get(ctx.user.teamId) : undefined;
  const country = team ? ctx.services.countries.get(team.country) : undefined;
  const numbers = country?.numbers ?? {};
  const lines = (['ambulance', 'mentalHealth', 'genderViolence', 'hiv'] as const)
    .filter((k) => numbers[k])
    .map((k) => `${ctx.t(`screening.numbers.${k}`)}: ${numbers[k]?.number}`);
  return lines.length > 0
    ? `${ctx.t('screening.numbersTitle')}\n${lines.join('\n')}`
    : ctx.t('screening.noNumbers');
}

async function alertSupervisor(
  ctx: FlowContext,
  q: Questionnaire,
  outcome: Outcome,
  client: Client | null,
): Promise<void> {
  const user = ctx.user;
  const team = user?.teamId ? await ctx.services.store.teams.get(user.teamId) : undefined;
  const supervisor = team?.supervisorId ? await ctx.services.store.users.get(team.supervisorId) : undefined;
  if (!user || !supervisor?.active) {
    ctx.services.logger.warn(
      { user: ctx.services.pseudo(user?.id ?? '') },
      'emergency: no supervisor to alert',
    );
    // Nobody should be left alone with an emergency: say so, so she calls someone herself.
    ctx.say(ctx.t('screening.noSupervisor'));
    return;
  }
  const t = ctx.services.i18n.t(supervisor.lang);
  const texts = new QuestionnaireTexts(q, ctx.services.catalog, supervisor.lang);
  const text = client
    ? t('screening.alert', {
        mentor: user.name,
        code: client.code,
        questionnaire: texts.title(),
        reasons: outcome.reasons.map((r) => texts.rule(r)).join('; '),
      })
    : t('screening.alertAnonymous', { mentor: user.name, questionnaire: texts.title() });
  ctx.push(supervisor.id, { type: 'text', text });
  ctx.say(ctx.t('screening.supervisorAlerted', { name: supervisor.name }));
}

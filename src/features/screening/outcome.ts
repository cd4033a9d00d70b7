import { recordScreening } from '../../clients/screening-record.js';
import type { Client } from '../../clients/types.js';
import type { FlowContext } from '../../core/flow.js';
import type { Outcome } from '../../screening/questionnaire-engine.js';
import type { Questionnaire } from '../../screening/schema.js';
import { meets } from '../../teams/countries.js';
import { alertSupervisors } from './alert.js';
import { QuestionnaireTexts } from './localize.js';

const ICON = { emergency: '🚨', urgent: '⚠️', routine: '📅', none: '✅' } as const;

/** What the outcome needs of a flow's context (a screening step, or a delivery report of it). */
export type OutcomeContext = Pick<
  FlowContext,
  'now' | 'user' | 'address' | 'lang' | 't' | 'store' | 'records' | 'content' | 'services' | 'say' | 'push'
>;

/**
 * Records a completed screening (in full with consent, else an anonymous count) with its referral, in this
 * message's unit of work; tells her plainly what to do; for an emergency, alerts her supervisor. Every line is
 * true when she reads it: the replies go out only once the unit is committed, and the supervisor's alert is only
 * said to have arrived once it has (`onDelivery`).
 */
export async function recordOutcome(
  ctx: OutcomeContext,
  questionnaire: Questionnaire,
  outcome: Outcome,
  answers: Record<string, unknown>,
  client: Client | null,
): Promise<void> {
  const user = ctx.user;
  if (!user) return;
  const { record, dueAt } = await recordScreening(ctx.records, ctx.services.ids, {
    at: ctx.now,
    mentor: user,
    client,
    outcome,
    answers,
  });
  ctx.say(await outcomeMessage(ctx, questionnaire, outcome, dueAt));
  if (outcome.urgency === 'emergency') await alertSupervisors(ctx, questionnaire, outcome, record.id, client);
  ctx.services.logger.info(
    { user: ctx.services.pseudo(user.id), urgency: outcome.urgency },
    'screening recorded',
  );
}

/** What to do after an outcome, in her language (also the whole result of a trainer's trial screening). */
export async function outcomeMessage(
  ctx: OutcomeContext,
  q: Questionnaire,
  outcome: Outcome,
  due: Date | null,
): Promise<string> {
  const texts = new QuestionnaireTexts(q, ctx.content.catalog, ctx.lang);
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

/**
 * The emergency and helpline numbers of her team's country (content/countries), each as its source says, in the
 * file's order. Where no national number reaches an ambulance, she is told so plainly and what to do instead.
 */
export async function emergencyNumbers(
  ctx: Pick<OutcomeContext, 'user' | 'store' | 'content' | 't'>,
): Promise<string> {
  const team = ctx.user?.teamId ? await ctx.store.teams.get(ctx.user.teamId) : undefined;
  const country = team ? ctx.content.countries.get(team.country) : undefined;
  if (!country) return ctx.t('screening.noNumbers');
  const lines: string[] = [];
  if (!meets(country, 'ambulance')) lines.push(ctx.t('screening.noAmbulanceNumber'));
  if (country.numbers.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push(ctx.t('screening.numbersTitle'));
    for (const n of country.numbers) lines.push(`${ctx.t(`screening.numbers.${n.kind}`)}: ${n.number}`);
  }
  return lines.join('\n');
}

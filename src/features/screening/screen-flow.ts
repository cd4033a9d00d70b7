import { z } from 'zod';
import type { Client } from '../../clients/types.js';
import { guessTypedChoice, NONE_ID } from '../../core/choice-input.js';
import { defineFlow, type StepContext, type StepDefinition } from '../../core/define-flow.js';
import type { FlowInput } from '../../core/flow.js';
import type { CompiledQuestionnaire } from '../../screening/questionnaire-engine.js';
import type { Question } from '../../screening/schema.js';
import { alertDelivered } from './alert.js';
import { answerFrom, answerId, problemText } from './answer-parsing.js';
import { REGISTER_CLIENT, registrationResult } from './client-registration.js';
import { QuestionnaireTexts } from './localize.js';
import { parseBloodPressure } from './number-input.js';
import { emergencyNumbers, outcomeMessage, recordOutcome } from './outcome.js';

/** How many of her clients the picker shows (most recent first); others she finds by typing the code. */
const RECENT = 8;

/** An answer offered as a button. */
interface Choice {
  id: string;
  label: string;
}

const answerValue = z.union([z.boolean(), z.number(), z.string(), z.array(z.string())]);

/**
 * A screening while it runs: whom (a client id, or null for an anonymous screening), which questionnaire, the
 * question on screen and the answers so far. The answers live here only until the outcome is recorded: then they
 * are dropped (the record keeps them only with her consent), and the engine drops the rest when the flow ends.
 */
const screenState = z.object({
  client: z.string().nullable(),
  questionnaire: z.string().nullable(),
  question: z.string().nullable(),
  answers: z.record(z.string(), answerValue),
  /** A questionnaire chosen before the client (search offered it for a danger sign): asked once she is picked. */
  preset: z.string().max(100).nullable().optional(),
  /** A trainer trying a questionnaire before it is published: no client, nothing stored, no alert. */
  trial: z.boolean().optional(),
});
type ScreenState = z.infer<typeof screenState>;
type Step = 'pick' | 'choose' | 'q' | 'done';
type Ctx = StepContext<ScreenState, Step>;

const fresh = (client: string | null = null): ScreenState => ({
  client,
  questionnaire: null,
  question: null,
  answers: {},
});

const steps: { [K in Step]: StepDefinition<ScreenState, Step> } = {
  /** Whom she screens: one of her clients, a new one (registration, a sub-flow), or nobody on record. */
  pick: {
    async show(ctx) {
      const clients = await myClients(ctx);
      ctx.ask(
        ctx.t('screening.pickClient'),
        [
          ...clients
            .slice(-RECENT)
            .reverse()
            .map((c) => ({ id: `c:${c.id}`, label: c.code })),
          { id: 'new', label: ctx.t('screening.newClient') },
          { id: 'anon', label: ctx.t('screening.anonymous') },
        ],
        { allowText: true },
      );
    },
    async onInput(ctx, input) {
      if (input.kind === 'choice' && input.id === 'new') return register(ctx);
      if (input.kind === 'choice' && input.id === 'anon') return choose(ctx, null);
      const client =
        input.kind === 'choice' && input.id.startsWith('c:')
          ? await ownClient(ctx, input.id.slice(2))
          : input.kind === 'text'
            ? await clientByCode(ctx, input.text)
            : undefined;
      if (!client) {
        ctx.say(ctx.t('screening.noSuchClient'));
        return steps.pick.show?.(ctx);
      }
      return choose(ctx, client);
    },
    /** Registration finished: screen the new client, or anonymously when she did not consent. */
    async onResult(ctx, result) {
      const parsed = registrationResult.safeParse(result);
      const clientId = parsed.success ? parsed.data.clientId : null;
      const client = clientId ? await ownClient(ctx, clientId) : undefined;
      return choose(ctx, client ?? null);
    },
  },

  /** Which questionnaire: those suggested for her groups first. */
  choose: {
    async show(ctx) {
      const client = ctx.state.client ? ((await ownClient(ctx, ctx.state.client)) ?? null) : null;
      const { catalog } = ctx.content;
      const all = catalog.questionnaireIds().map((id) => catalog.questionnaire(id) as CompiledQuestionnaire);
      const suggested = (q: CompiledQuestionnaire) =>
        client ? q.source.suggestFor.some((g) => client.groups.includes(g)) : false;
      const ordered = [...all.filter(suggested), ...all.filter((q) => !suggested(q))];
      const who = client
        ? ctx.t('screening.forClient', { code: client.code })
        : ctx.t('screening.forAnonymous');
      ctx.ask(
        `${who}\n${ctx.t('screening.chooseQuestionnaire')}`,
        ordered.map((q) => ({
          id: `q:${q.id}`,
          label: `${suggested(q) ? '⭐ ' : ''}${new QuestionnaireTexts(q.source, catalog, ctx.lang).title()}`,
        })),
      );
    },
    async onInput(ctx, input) {
      const id = input.kind === 'choice' && input.id.startsWith('q:') ? input.id.slice(2) : '';
      const q = ctx.content.catalog.questionnaire(id);
      if (!q) return steps.choose.show?.(ctx);
      ctx.state = { ...fresh(ctx.state.client), ...trialOf(ctx), questionnaire: q.id };
      const texts = textsOf(ctx, q);
      ctx.say(
        `${texts.title()}\n${texts.intro()}${texts.translated ? '' : `\n${ctx.t('screening.inEnglish')}`}`,
      );
      return askNext(ctx);
    },
  },

  /** One question at a time; "back" forgets that answer and every later one. */
  q: {
    show: showQuestion,
    onInput: onAnswer,
  },

  /** After the outcome: screen her again, or the menu. */
  done: {
    show: (ctx) =>
      ctx.ask(ctx.t('screening.next'), [
        { id: 'again', label: ctx.t('screening.again') },
        { id: 'menu', label: ctx.t('screening.menu') },
      ]),
    async onInput(ctx, input) {
      if (input.kind === 'choice' && input.id === 'again') {
        const client = ctx.state.client ? await ownClient(ctx, ctx.state.client) : undefined;
        return choose(ctx, client ?? null);
      }
      return ctx.showMenu();
    },
  },
};

/**
 * Screening a client in chat: pick or register her, pick a questionnaire, one question at a time, the outcome.
 * Trainers and admins run it only as a trial ({questionnaire, trial: true}, called by publishing on a proposal's
 * content): the questions and the result, nothing else.
 */
export const screenFlow = defineFlow<ScreenState, Step>({
  id: 'screen',
  ns: 'sc',
  roles: ['mentor', 'trainer', 'admin'],
  state: screenState,
  async start(ctx, args) {
    const preset = typeof args.questionnaire === 'string' ? args.questionnaire : null;
    const known = preset && ctx.content.catalog.questionnaire(preset) ? preset : null;
    if (args.trial === true) return startTrial(ctx, known);
    if (ctx.user?.role !== 'mentor') return ctx.showMenu(ctx.t('errors.notAllowed'));
    ctx.state = { ...fresh(), preset: known };
    const clientId = typeof args.client === 'string' ? args.client : null;
    const client = clientId ? await ownClient(ctx, clientId) : undefined;
    if (client) return choose(ctx, client);
    if (args.register) return register(ctx);
    ctx.goto('pick');
    return steps.pick.show?.(ctx);
  },
  steps,
  onDelivery: (ctx, report) => alertDelivered(ctx, report, emergencyNumbers),
});

async function myClients(ctx: Ctx): Promise<Client[]> {
  return ctx.store.clients.list({ mentorId: ctx.user?.id });
}

async function ownClient(ctx: Ctx, id: string): Promise<Client | undefined> {
  const client = await ctx.store.clients.get(id);
  return client && client.mentorId === ctx.user?.id ? client : undefined;
}

/** Her client by the code she typed (spaces and dashes do not matter). */
async function clientByCode(ctx: Ctx, text: string): Promise<Client | undefined> {
  const typed = text.toUpperCase().replace(/[\s-]/g, '');
  return (await myClients(ctx)).find((c) => c.code.replace(/-/g, '') === typed);
}

/** Registers a new client in the sub-flow; the screening resumes at `pick` with its result. */
async function register(ctx: Ctx): Promise<void> {
  ctx.state = { ...fresh(), preset: ctx.state.preset ?? null };
  ctx.goto('pick');
  return ctx.call(REGISTER_CLIENT, {}, 'pick');
}

/** A trial goes straight to the questionnaire's first question, for nobody. */
async function startTrial(ctx: Ctx, questionnaire: string | null): Promise<void> {
  if (!questionnaire) return ctx.finish({ trial: true });
  ctx.state = { ...fresh(), preset: questionnaire, trial: true };
  ctx.say(ctx.t('publishing:trial.screening'));
  return choose(ctx, null);
}

const trialOf = (ctx: Ctx): { trial?: true } => (ctx.state.trial ? { trial: true } : {});

async function choose(ctx: Ctx, client: Client | null): Promise<void> {
  const preset = ctx.state.preset;
  ctx.state = { ...fresh(client?.id ?? null), ...trialOf(ctx) };
  ctx.goto('choose');
  // Chosen already (search offered it for a danger sign): straight to its first question.
  if (preset) return steps.choose.onInput(ctx, { kind: 'choice', id: `q:${preset}` });
  return steps.choose.show?.(ctx);
}

function textsOf(ctx: Ctx, q: CompiledQuestionnaire): QuestionnaireTexts {
  return new QuestionnaireTexts(q.source, ctx.content.catalog, ctx.lang);
}

function questionnaire(ctx: Ctx): CompiledQuestionnaire | undefined {
  return ctx.state.questionnaire ? ctx.content.catalog.questionnaire(ctx.state.questionnaire) : undefined;
}

async function askNext(ctx: Ctx): Promise<void> {
  const q = questionnaire(ctx);
  if (!q) return ctx.showMenu();
  const next = q.next(ctx.state.answers);
  if (!next) return outcome(ctx, q);
  ctx.state.question = next.id;
  ctx.goto('q');
  return showQuestion(ctx);
}

/** The answers a question offers as choices (without "back"), labelled as she sees them. */
function answerChoices(ctx: Ctx, texts: QuestionnaireTexts, question: Question): Choice[] {
  switch (question.type) {
    case 'yesno':
      return [
        { id: answerId('yes'), label: ctx.t('screening.yes') },
        { id: answerId('no'), label: ctx.t('screening.no') },
      ];
    case 'choice': {
      const numbered = question.options.every((o) => o.value !== undefined);
      return question.options.map((o) => ({
        id: answerId(o.id),
        label: `${numbered ? `${o.value} ` : ''}${texts.option(question, o.id)}`,
      }));
    }
    case 'multi':
      return question.options.map((o) => ({ id: answerId(o.id), label: texts.option(question, o.id) }));
    default:
      return [];
  }
}

function showQuestion(ctx: Ctx): Promise<void> | void {
  const q = questionnaire(ctx);
  const question = ctx.state.question ? q?.question(ctx.state.question) : undefined;
  if (!q || !question) return ctx.showMenu();
  const texts = textsOf(ctx, q);
  const text = texts.question(question);
  const back = { id: 'back', label: ctx.t('screening.back') };
  const choices = answerChoices(ctx, texts, question);
  switch (question.type) {
    case 'yesno':
      return ctx.ask(text, [...choices, back], { allowText: true });
    case 'number': {
      const unit = texts.unit(question);
      return ctx.say(
        `${text}\n${ctx.t('screening.typeNumber', { min: question.min, max: question.max, unit: unit ?? '' }).trim()}`,
      );
    }
    case 'choice':
      return ctx.ask(text, [...choices, back], {
        allowText: true,
        numbersAreLabels: question.options.every((o) => o.value !== undefined),
      });
    case 'multi':
      return ctx.ask(text, choices, { multiple: true, allowText: true });
    default:
      return ctx.showMenu();
  }
}

/**
 * A typed answer that is not exact: the start of a label or a small typo ("Emerg", "Feverr"), for several answers
 * each part between commas. The input it stands for and the labels understood (she is told), or null.
 */
function guessedAnswer(
  ctx: Ctx,
  texts: QuestionnaireTexts,
  question: Question,
  text: string,
): { input: FlowInput; labels: string[] } | null {
  const choices = answerChoices(ctx, texts, question);
  if (choices.length === 0) return null;
  if (question.type !== 'multi') {
    const choice = guessTypedChoice(text, choices);
    return choice ? { input: { kind: 'choice', id: choice.id }, labels: [choice.label] } : null;
  }
  const none = { id: NONE_ID, label: ctx.t('choices.none') };
  const parts = text.split(/[,;]/).filter((p) => p.trim() !== '');
  const picked = parts.map((p) => guessTypedChoice(p, [...choices, none]));
  if (picked.length === 0 || !picked.every((c): c is Choice => c !== null)) return null;
  if (picked.some((c) => c.id === NONE_ID))
    return picked.length === 1 ? { input: { kind: 'choices', ids: [] }, labels: [none.label] } : null;
  const unique = picked.filter((c, i) => picked.findIndex((x) => x.id === c.id) === i);
  return { input: { kind: 'choices', ids: unique.map((c) => c.id) }, labels: unique.map((c) => c.label) };
}

/** The diastolic question right after this one, when this is the systolic question of a blood pressure. */
function diastolicAfter(q: CompiledQuestionnaire, question: Question): Question | null {
  if (question.type !== 'number') return null;
  const questions = q.source.questions;
  const next = questions[questions.indexOf(question) + 1];
  return next?.type === 'number' && next.id === 'diastolic' ? next : null;
}

/** Both numbers of a blood pressure typed at once: each checked as if typed alone, then the next question. */
async function onBloodPressure(
  ctx: Ctx,
  q: CompiledQuestionnaire,
  question: Question,
  diastolic: Question,
  reading: { systolic: number; diastolic: number },
): Promise<void> {
  const withTop = { ...ctx.state.answers, [question.id]: reading.systolic };
  const both = { ...withTop, [diastolic.id]: reading.diastolic };
  const top = q.checkValue(question, reading.systolic) ?? q.checkAgainstOthers(question, withTop);
  const bottom = top
    ? null
    : (q.checkValue(diastolic, reading.diastolic) ?? q.checkAgainstOthers(diastolic, both));
  const problem = top ?? bottom;
  if (problem) {
    const texts = textsOf(ctx, q);
    const about = top ? question : diastolic;
    ctx.say(problemText(ctx.t, problem, (i) => texts.check(about, i)));
    return showQuestion(ctx);
  }
  ctx.state.answers = both;
  ctx.say(ctx.t('screening.bloodPressureRecorded', reading));
  return askNext(ctx);
}

function isBack(ctx: Ctx, input: FlowInput): boolean {
  if (input.kind === 'choice') return input.id === 'back';
  if (input.kind !== 'text') return false;
  const typed = input.text.trim().toLowerCase();
  return ctx.services.i18n
    .all('screening.backWord')
    .flatMap((w) => w.split('|'))
    .includes(typed);
}

async function onAnswer(ctx: Ctx, input: FlowInput): Promise<void> {
  const q = questionnaire(ctx);
  const question = ctx.state.question ? q?.question(ctx.state.question) : undefined;
  if (!q || !question) return ctx.showMenu();
  const answers = { ...ctx.state.answers };
  if (isBack(ctx, input)) {
    const previous = q.previous(question, answers);
    if (previous) {
      // Going back forgets that answer and every later one: skips may change.
      const ids = q.source.questions.map((x) => x.id);
      for (const id of ids.slice(ids.indexOf(previous.id))) delete answers[id];
    }
    ctx.state.answers = answers;
    return askNext(ctx);
  }
  const texts = textsOf(ctx, q);
  let answer = input;
  if (input.kind === 'text') {
    // A blood pressure in one answer ("165/100") at the systolic question, when the diastolic one is asked.
    const diastolic = diastolicAfter(q, question);
    const reading = diastolic ? parseBloodPressure(input.text) : null;
    if (diastolic && reading && q.isAsked(diastolic, { ...answers, [question.id]: reading.systolic }))
      return onBloodPressure(ctx, q, question, diastolic, reading);
    const guess = guessedAnswer(ctx, texts, question, input.text);
    if (guess) {
      ctx.say(ctx.t('screening.understood', { answer: guess.labels.join(', ') }));
      answer = guess.input;
    }
  }
  const unit = question.type === 'number' ? [question.unit, texts.unit(question)] : [];
  const parsed = answerFrom(
    question,
    answer,
    unit.filter((u): u is string => u !== undefined),
  );
  const problem =
    'problem' in parsed
      ? parsed.problem
      : (q.checkValue(question, parsed.value) ??
        q.checkAgainstOthers(question, { ...answers, [question.id]: parsed.value }));
  if (problem || !('value' in parsed)) {
    ctx.say(problemText(ctx.t, problem ?? { code: 'required' }, (i) => texts.check(question, i)));
    return showQuestion(ctx);
  }
  ctx.state.answers = { ...answers, [question.id]: parsed.value };
  return askNext(ctx);
}

/**
 * The outcome: recorded with its referral in this message's unit of work, and the answers dropped from the state
 * at once (nothing she answered stays in the session; without consent, nowhere at all).
 */
async function outcome(ctx: Ctx, q: CompiledQuestionnaire): Promise<void> {
  const answers = ctx.state.answers;
  const clientId = ctx.state.client;
  const trial = ctx.state.trial === true;
  ctx.state = { ...fresh(clientId), ...trialOf(ctx) };
  const result = q.evaluate(answers);
  if (!result.ok) {
    // Cannot happen for answers checked one by one; say so rather than record something wrong.
    ctx.say(ctx.t('errors.internal'));
    return ctx.showMenu();
  }
  if (trial) {
    // The result only: no record, no referral, no alert; back to the upload being tried.
    ctx.say(await outcomeMessage(ctx, q.source, result.outcome, null));
    ctx.say(ctx.t('publishing:trial.screeningDone'));
    return ctx.finish({ trial: true });
  }
  const client = clientId ? ((await ownClient(ctx, clientId)) ?? null) : null;
  await recordOutcome(ctx, q.source, result.outcome, result.answers, client);
  ctx.goto('done');
  return steps.done.show?.(ctx);
}

import type { Client } from '../../clients/types.js';
import type { Flow, FlowContext, FlowInput } from '../../core/flow.js';
import type { CompiledQuestionnaire } from '../../screening/questionnaire-engine.js';
import type { Question } from '../../screening/schema.js';
import { answerFrom, problemText } from './answer-parsing.js';
import { continueRegistration, startRegistration } from './client-registration.js';
import { QuestionnaireTexts } from './localize.js';
import { recordOutcome } from './outcome.js';

const RECENT = 8;

/** Screening a client in chat: pick or register her, pick a questionnaire, one question at a time, the outcome. */
export const screenFlow: Flow = {
  id: 'screen',
  roles: ['mentor'],

  async start(ctx, args) {
    const clientId = typeof args?.client === 'string' ? args.client : null;
    if (clientId) {
      const client = await ownClient(ctx, clientId);
      if (client) return chooseQuestionnaire(ctx, client);
    }
    if (args?.register) return startRegistration(ctx);
    return pickClient(ctx);
  },

  async onInput(ctx, input) {
    const step = ctx.session.step;
    if (step === 'pick') return onPick(ctx, input);
    if (step.startsWith('reg-')) {
      const done = await continueRegistration(ctx, input);
      if (done === 'anonymous') return chooseQuestionnaire(ctx, null);
      if (done) return chooseQuestionnaire(ctx, done);
      return;
    }
    if (step === 'choose') {
      const id = input.kind === 'choice' ? input.id.replace(/^q:/, '') : '';
      if (!ctx.services.catalog.questionnaire(id)) return ctx.showMenu();
      ctx.session.data.questionnaire = id;
      ctx.session.data.answers = {};
      const q = ctx.services.catalog.questionnaire(id) as CompiledQuestionnaire;
      const texts = new QuestionnaireTexts(q.source, ctx.services.catalog, ctx.lang);
      ctx.say(
        `${texts.title()}\n${texts.intro()}${texts.translated ? '' : `\n${ctx.t('screening.inEnglish')}`}`,
      );
      return askNext(ctx);
    }
    if (step === 'q') return onAnswer(ctx, input);
    if (step === 'done') {
      if (input.kind === 'choice' && input.id === 'd:again') {
        const client = await ownClient(ctx, String(ctx.session.data.client ?? ''));
        return chooseQuestionnaire(ctx, client ?? null);
      }
      return ctx.showMenu();
    }
    return ctx.showMenu();
  },
};

async function ownClient(ctx: FlowContext, id: string): Promise<Client | undefined> {
  const client = await ctx.services.store.clients.get(id);
  return client && client.mentorId === ctx.user?.id ? client : undefined;
}

async function pickClient(ctx: FlowContext): Promise<void> {
  const clients = await ctx.services.store.clients.list({ mentorId: ctx.user?.id });
  ctx.session.data = {};
  ctx.goto('pick');
  ctx.ask(
    ctx.t('screening.pickClient'),
    [
      ...clients
        .slice(-RECENT)
        .reverse()
        .map((c) => ({ id: `c:${c.id}`, label: c.code })),
      { id: 'c:new', label: ctx.t('screening.newClient') },
      { id: 'c:anon', label: ctx.t('screening.anonymous') },
    ],
    { allowText: true },
  );
}

async function onPick(ctx: FlowContext, input: FlowInput): Promise<void> {
  if (input.kind === 'choice' && input.id === 'c:new') return startRegistration(ctx);
  if (input.kind === 'choice' && input.id === 'c:anon') return chooseQuestionnaire(ctx, null);
  let client: Client | undefined;
  if (input.kind === 'choice') client = await ownClient(ctx, input.id.replace(/^c:/, ''));
  if (input.kind === 'text') {
    const typed = input.text.trim().toUpperCase().replace(/\s/g, '');
    client = (await ctx.services.store.clients.list({ mentorId: ctx.user?.id })).find(
      (c) => c.code.replace(/-/g, '') === typed.replace(/-/g, ''),
    );
  }
  if (!client) {
    ctx.say(ctx.t('screening.noSuchClient'));
    return pickClient(ctx);
  }
  return chooseQuestionnaire(ctx, client);
}

async function chooseQuestionnaire(ctx: FlowContext, client: Client | null): Promise<void> {
  const { catalog } = ctx.services;
  ctx.session.data = { client: client?.id ?? null, answers: {} };
  const all = catalog.questionnaireIds().map((id) => catalog.questionnaire(id) as CompiledQuestionnaire);
  const suggested = (q: CompiledQuestionnaire) =>
    client ? q.source.suggestFor.some((g) => client.groups.includes(g)) : false;
  const ordered = [...all.filter(suggested), ...all.filter((q) => !suggested(q))];
  ctx.goto('choose');
  const who = client ? ctx.t('screening.forClient', { code: client.code }) : ctx.t('screening.forAnonymous');
  ctx.ask(
    `${who}\n${ctx.t('screening.chooseQuestionnaire')}`,
    ordered.map((q) => ({
      id: `q:${q.id}`,
      label: `${suggested(q) ? '⭐ ' : ''}${new QuestionnaireTexts(q.source, catalog, ctx.lang).title()}`,
    })),
  );
}

function current(ctx: FlowContext): { q: CompiledQuestionnaire; answers: Record<string, unknown> } | null {
  const q = ctx.services.catalog.questionnaire(String(ctx.session.data.questionnaire ?? ''));
  if (!q) return null;
  return { q, answers: (ctx.session.data.answers ?? {}) as Record<string, unknown> };
}

async function askNext(ctx: FlowContext): Promise<void> {
  const state = current(ctx);
  if (!state) return ctx.showMenu();
  const next = state.q.next(state.answers);
  if (!next) return finish(ctx);
  ctx.session.data.question = next.id;
  askQuestion(ctx, state.q, next);
}

function askQuestion(ctx: FlowContext, q: CompiledQuestionnaire, question: Question): void {
  const texts = new QuestionnaireTexts(q.source, ctx.services.catalog, ctx.lang);
  const text = texts.question(question);
  const back = { id: 'a:_back', label: ctx.t('screening.back') };
  ctx.goto('q');
  switch (question.type) {
    case 'yesno':
      ctx.ask(
        text,
        [{ id: 'a:yes', label: ctx.t('screening.yes') }, { id: 'a:no', label: ctx.t('screening.no') }, back],
        { allowText: true },
      );
      return;
    case 'number': {
      const unit = texts.unit(question);
      ctx.say(
        `${text}\n${ctx.t('screening.typeNumber', { min: question.min, max: question.max, unit: unit ?? '' }).trim()}`,
      );
      return;
    }
    case 'choice': {
      const numbered = question.options.every((o) => o.value !== undefined);
      ctx.ask(
        text,
        [
          ...question.options.map((o) => ({
            id: `a:${o.id}`,
            label: `${numbered ? `${o.value} ` : ''}${texts.option(question, o.id)}`,
          })),
          back,
        ],
        { allowText: true, numbersAreLabels: numbered },
      );
      return;
    }
    case 'multi':
      ctx.ask(
        text,
        question.options.map((o) => ({ id: `a:${o.id}`, label: texts.option(question, o.id) })),
        { multiple: true, allowText: true },
      );
      return;
    default:
      return;
  }
}

async function onAnswer(ctx: FlowContext, input: FlowInput): Promise<void> {
  const state = current(ctx);
  const question = state?.q.question(String(ctx.session.data.question ?? ''));
  if (!state || !question) return ctx.showMenu();
  const isBack =
    (input.kind === 'choice' && input.id === 'a:_back') ||
    (input.kind === 'text' &&
      ctx.services.i18n
        .all('screening.backWord')
        .flatMap((w) => w.split('|'))
        .includes(input.text.trim().toLowerCase()));
  if (isBack) {
    const previous = state.q.previous(question, state.answers);
    if (previous) {
      // Going back forgets that answer and every later one: skips may change.
      const ids = state.q.source.questions.map((x) => x.id);
      const from = ids.indexOf(previous.id);
      for (const id of ids.slice(from)) delete state.answers[id];
    }
    return askNext(ctx);
  }
  const parsed = answerFrom(question, input);
  const texts = new QuestionnaireTexts(state.q.source, ctx.services.catalog, ctx.lang);
  const problem =
    'problem' in parsed
      ? parsed.problem
      : (state.q.checkValue(question, parsed.value) ??
        state.q.checkAgainstOthers(question, { ...state.answers, [question.id]: parsed.value }));
  if (problem || !('value' in parsed)) {
    ctx.say(problemText(ctx, problem ?? { code: 'required' }, (i) => texts.check(question, i)));
    return askQuestion(ctx, state.q, question);
  }
  state.answers[question.id] = parsed.value;
  ctx.session.data.answers = state.answers;
  return askNext(ctx);
}

async function finish(ctx: FlowContext): Promise<void> {
  const state = current(ctx);
  if (!state) return ctx.showMenu();
  const result = state.q.evaluate(state.answers);
  if (!result.ok) {
    // Cannot happen for answers checked one by one; say so rather than record something wrong.
    ctx.say(ctx.t('errors.internal'));
    return ctx.showMenu();
  }
  const clientId = ctx.session.data.client;
  const client = typeof clientId === 'string' ? ((await ownClient(ctx, clientId)) ?? null) : null;
  await recordOutcome(ctx, state.q.source, result.outcome, result.answers, client);
  ctx.goto('done');
  ctx.ask(ctx.t('screening.next'), [
    { id: 'd:again', label: ctx.t('screening.again') },
    { id: 'd:menu', label: ctx.t('screening.menu') },
  ]);
}

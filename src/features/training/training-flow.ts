import { z } from 'zod';
import { LANGUAGE_NAMES } from '../../accounts/display.js';
import type { Module } from '../../content/schemas.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import type { FlowInput } from '../../core/flow.js';
import {
  answerQuestion,
  fitProgress,
  type ModuleProgress,
  nextLesson,
  passCount,
  previousLesson,
  resumeAt,
  reviewLessons,
  startProgress,
  startQuiz,
  type TrainingRecord,
} from '../../training/progress.js';
import { moduleChoices } from './module-list.js';

const ROLES = ['mentor', 'supervisor', 'trainer'] as const;

/**
 * The module she is in (null on the list); where she is within it is her progress in the store. `trial`: a trainer
 * trying a module before it is published (called by publishing): "All modules" takes her back, no quiz is journaled.
 */
const stateSchema = z.object({ module: z.string().max(100).nullable(), trial: z.boolean().optional() });
type State = z.infer<typeof stateSchema>;
type Step = 'list' | 'lesson' | 'quiz' | 'done';
type Ctx = StepContext<State, Step>;

/** Choice ids (local to the flow; `ctx.ask` adds the "tr." namespace). */
const LIST = 'list';
const NEXT = 'next';
const BACK = 'back';
const RETAKE = 'retake';
const REVIEW = 'review';
const MODULE_PREFIX = 'mod:';

/**
 * Training modules in chat: the list with her progress, lessons stepped through with next/back, then the quiz
 * with feedback after every answer, a score and pass/fail. Progress (and, for a finished quiz, the training
 * journal) is staged in the message's unit of work, so it is kept exactly when her session is. The module is read
 * from the content version the flow started on: she finishes the module she began even if a new one is published.
 */
export const trainingFlow = defineFlow<State, Step>({
  id: 'training',
  ns: 'tr',
  roles: ROLES,
  state: stateSchema,

  async start(ctx, args) {
    ctx.state = args.trial === true ? { module: null, trial: true } : { module: null };
    // From a search answer ({module}) or from `/training <module id>` ({args}).
    const given = args.module ?? args.args;
    const wanted = typeof given === 'string' && given.trim() !== '' ? given.trim() : undefined;
    if (wanted && ctx.content.catalog.module(wanted, ctx.lang)) return openModule(ctx, wanted);
    return showList(ctx);
  },

  steps: {
    list: {
      show: showList,
      async onInput(ctx, input) {
        const id = choiceId(input);
        if (id?.startsWith(MODULE_PREFIX)) return openModule(ctx, id.slice(MODULE_PREFIX.length));
        return showList(ctx);
      },
    },
    lesson: {
      show: showLesson,
      async onInput(ctx, input) {
        const id = choiceId(input);
        if (id === LIST) return showList(ctx);
        const open = await current(ctx);
        if (!open) return showList(ctx);
        const { module, progress } = open;
        if (id === BACK) return saveAnd(ctx, previousLesson(progress, ctx.now), showLesson);
        if (id !== NEXT) return showLesson(ctx);
        const next = nextLesson(progress, module, ctx.now);
        if (next.quizStarted) {
          ctx.say(ctx.t('training.quizIntro', { questions: module.quiz.length, pass: passCount(module) }));
          return saveAnd(ctx, next.progress, showQuestion);
        }
        return saveAnd(ctx, next.progress, showLesson);
      },
    },
    quiz: {
      show: showQuestion,
      async onInput(ctx, input) {
        const open = await current(ctx);
        if (!open || !ctx.user) return showList(ctx);
        const { module, progress } = open;
        const question = module.quiz[progress.question];
        const match = /^a:(.+):(\d+)$/.exec(choiceId(input) ?? '');
        const chosen = Number(match?.[2]);
        const option = question?.options[chosen - 1];
        // A tap on an earlier question's button is not an answer to this one.
        if (!question || !match || match[1] !== question.id || !option) return showQuestion(ctx);
        const outcome = answerQuestion(progress, module, chosen, ctx.now, { teamId: ctx.user.teamId });
        const rightOption = question.options[question.answer - 1];
        const feedback = withoutVerdict(
          option.feedback,
          ctx.t(outcome.right ? 'training.rightWords' : 'training.wrongWords', { lng: module.lang }),
        );
        ctx.say(
          outcome.right
            ? ctx.t('training.right', { feedback })
            : ctx.t('training.wrong', { feedback, answer: rightOption?.text }),
        );
        await ctx.store.progress.put(outcome.progress);
        if (!outcome.finished) return showQuestion(ctx);
        const { result, record } = outcome.finished;
        if (!ctx.state.trial) await ctx.store.journal<TrainingRecord>('training').append(record);
        if (result.keptPass) {
          ctx.say(ctx.t('training.practiceScore', { correct: result.correct, total: result.total }));
        }
        return showDone(ctx, true);
      },
    },
    done: {
      show: (ctx) => showDone(ctx, false),
      async onInput(ctx, input) {
        const id = choiceId(input);
        const open = id === RETAKE || id === REVIEW ? await current(ctx) : undefined;
        if (!open) return showList(ctx);
        if (id === RETAKE) return saveAnd(ctx, startQuiz(open.progress, ctx.now), showQuestion);
        return saveAnd(ctx, reviewLessons(open.progress, ctx.now), showLesson);
      },
    },
  },
});

/**
 * The feedback without its own opening verdict ("Right.", "Não."): the line already starts with one, and
 * "✅ Right! Right." reads as a stutter. `words` are the verdicts in the module's language, "|"-separated.
 */
export function withoutVerdict(feedback: string, words: string): string {
  const match = /^\s*([^.!,]+)[.!,]\s+(\S[\s\S]*)$/u.exec(feedback);
  const verdicts = words.split('|').map((w) => w.trim().toLocaleLowerCase());
  if (!match?.[1] || !match[2] || !verdicts.includes(match[1].trim().toLocaleLowerCase())) return feedback;
  return match[2];
}

const choiceId = (input: FlowInput): string | undefined => (input.kind === 'choice' ? input.id : undefined);

/** The module in her language (or English), from the content version the flow started on. */
function localised(ctx: Ctx, moduleId: string): { item: Module; fallback: boolean } | undefined {
  return ctx.content.catalog.module(moduleId, ctx.lang);
}

/** The open module and her progress in it, within the module's bounds; undefined if either is gone. */
async function current(ctx: Ctx): Promise<{ module: Module; progress: ModuleProgress } | undefined> {
  const moduleId = ctx.state.module;
  const user = ctx.user;
  if (!moduleId || !user) return undefined;
  const module = localised(ctx, moduleId)?.item;
  const progress = await ctx.store.progress.get(user.id, moduleId);
  if (!module || !progress) return undefined;
  return { module, progress: fitProgress(progress, module) };
}

async function saveAnd(ctx: Ctx, progress: ModuleProgress, show: (ctx: Ctx) => Promise<void>): Promise<void> {
  await ctx.store.progress.put(progress);
  return show(ctx);
}

/** "All modules", or in a trial the way back to the upload being tried. */
const listLabel = (ctx: Ctx): string =>
  ctx.t(ctx.state.trial ? 'publishing:trial.back' : 'training.otherModules');

async function showList(ctx: Ctx): Promise<void> {
  const user = ctx.user;
  if (!user) return ctx.showMenu();
  if (ctx.state.trial) return ctx.finish({ trial: true });
  const progress = await ctx.store.progress.byUser(user.id);
  const choices = moduleChoices(ctx.content.catalog, ctx.lang, ctx.t, progress);
  if (choices.length === 0) return ctx.showMenu(ctx.t('training.none'));
  ctx.state = { module: null };
  ctx.goto('list');
  ctx.ask(ctx.t('training.list'), choices);
}

async function openModule(ctx: Ctx, moduleId: string): Promise<void> {
  const user = ctx.user;
  const found = localised(ctx, moduleId);
  if (!user || !found) return showList(ctx);
  const module = found.item;
  ctx.state = { ...ctx.state, module: moduleId };
  if (found.fallback) ctx.say(ctx.t('training.notInLanguage', { language: LANGUAGE_NAMES[ctx.lang] }));
  const stored = await ctx.store.progress.get(user.id, moduleId);
  if (!stored) {
    ctx.say(
      ctx.t('training.intro', { title: module.title, summary: module.summary, steps: module.steps.length }),
    );
    return saveAnd(ctx, startProgress(user.id, moduleId, ctx.now), showLesson);
  }
  const progress = fitProgress(stored, module);
  if (progress !== stored) await ctx.store.progress.put({ ...progress, updatedAt: ctx.now.toISOString() });
  switch (resumeAt(progress)) {
    case 'lesson':
      ctx.say(ctx.t('training.welcomeBack', { step: progress.step + 1, steps: module.steps.length }));
      return showLesson(ctx);
    case 'quiz':
      ctx.say(
        ctx.t('training.welcomeBackQuiz', { question: progress.question + 1, questions: module.quiz.length }),
      );
      return showQuestion(ctx);
    case 'done':
      return showDone(ctx, false);
  }
}

async function showLesson(ctx: Ctx): Promise<void> {
  const open = await current(ctx);
  if (!open) return showList(ctx);
  const { module, progress } = open;
  const step = module.steps[progress.step];
  if (!step) return showList(ctx);
  const last = progress.step === module.steps.length - 1;
  const choices = [{ id: NEXT, label: ctx.t(last ? 'training.startQuiz' : 'training.next') }];
  if (progress.step > 0) choices.push({ id: BACK, label: ctx.t('training.back') });
  choices.push({ id: LIST, label: listLabel(ctx) });
  ctx.goto('lesson');
  ctx.ask(
    `${ctx.t('training.stepHeader', { step: progress.step + 1, steps: module.steps.length, title: step.title })}\n\n${step.body}`,
    choices,
  );
}

async function showQuestion(ctx: Ctx): Promise<void> {
  const open = await current(ctx);
  const question = open?.module.quiz[open.progress.question];
  if (!open || !question) return showList(ctx);
  ctx.goto('quiz');
  ctx.ask(
    `${ctx.t('training.questionHeader', { question: open.progress.question + 1, questions: open.module.quiz.length })}\n${question.question}`,
    question.options.map((o, i) => ({ id: `a:${question.id}:${i + 1}`, label: o.text })),
  );
}

async function showDone(ctx: Ctx, justFinished: boolean): Promise<void> {
  const open = await current(ctx);
  if (!open) return showList(ctx);
  const { module, progress } = open;
  const score = progress.lastScore ?? { correct: 0, total: module.quiz.length };
  const passed = progress.status === 'passed';
  const key = passed ? (justFinished ? 'training.passed' : 'training.alreadyPassed') : 'training.failed';
  ctx.goto('done');
  ctx.ask(
    ctx.t(key, { title: module.title, correct: score.correct, total: score.total, pass: passCount(module) }),
    [
      { id: RETAKE, label: ctx.t('training.retake') },
      { id: REVIEW, label: ctx.t('training.review') },
      { id: LIST, label: listLabel(ctx) },
    ],
  );
}

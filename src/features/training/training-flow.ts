import { LANGUAGE_NAMES } from '../../accounts/display.js';
import type { Module } from '../../content/schemas.js';
import type { Flow, FlowContext, FlowInput } from '../../core/flow.js';
import { moduleChoices } from './module-list.js';
import type { ModuleProgress, TrainingRecord } from './progress.js';

const ROLES = ['mentor', 'supervisor', 'trainer'] as const;

/**
 * Training modules in chat: the list with her progress, lessons stepped through with next/back, then the quiz
 * with feedback after every answer, a score and pass/fail. Progress is stored at every step, so she continues
 * where she left off, also after a restart.
 */
export const trainingFlow: Flow = {
  id: 'training',
  roles: ROLES,

  async start(ctx, args) {
    const wanted = typeof args?.module === 'string' ? args.module : undefined;
    if (wanted && ctx.services.catalog.module(wanted, ctx.lang)) return openModule(ctx, wanted);
    return showList(ctx);
  },

  async onInput(ctx, input) {
    const moduleId = String(ctx.session.data.module ?? '');
    if (input.kind === 'choice' && input.id === 't:list') return showList(ctx);
    switch (ctx.session.step) {
      case 'list':
        if (input.kind === 'choice' && input.id.startsWith('mod:')) return openModule(ctx, input.id.slice(4));
        return showList(ctx);
      case 'done':
        return onDoneChoice(ctx, moduleId, input);
      case 'lesson':
        return onLessonChoice(ctx, moduleId, input);
      case 'quiz':
        return onQuizAnswer(ctx, moduleId, input);
      default:
        return showList(ctx);
    }
  },
};

async function showList(ctx: FlowContext): Promise<void> {
  const user = ctx.user;
  if (!user) return;
  const progress = await ctx.services.store.progress.byUser(user.id);
  const choices = moduleChoices(ctx.services.catalog, ctx.lang, ctx.t, progress);
  if (choices.length === 0) return ctx.showMenu(ctx.t('training.none'));
  ctx.session.data = {};
  ctx.goto('list');
  ctx.ask(ctx.t('training.list'), choices);
}

function localised(ctx: FlowContext, moduleId: string): Module | undefined {
  const found = ctx.services.catalog.module(moduleId, ctx.lang);
  return found?.item;
}

async function openModule(ctx: FlowContext, moduleId: string): Promise<void> {
  const user = ctx.user;
  const found = ctx.services.catalog.module(moduleId, ctx.lang);
  if (!user || !found) return showList(ctx);
  const module = found.item;
  ctx.session.data = { module: moduleId };
  if (found.fallback) ctx.say(ctx.t('training.notInLanguage', { language: LANGUAGE_NAMES[ctx.lang] }));
  const progress = await ctx.services.store.progress.get(user.id, moduleId);
  if (!progress) {
    const now = ctx.now.toISOString();
    const fresh: ModuleProgress = {
      userId: user.id,
      moduleId,
      status: 'lessons',
      step: 0,
      question: 0,
      correct: 0,
      attempts: 0,
      lastScore: null,
      startedAt: now,
      updatedAt: now,
      passedAt: null,
    };
    await ctx.services.store.progress.put(fresh);
    ctx.say(
      ctx.t('training.intro', { title: module.title, summary: module.summary, steps: module.steps.length }),
    );
    return showStep(ctx, module, fresh);
  }
  switch (progress.status) {
    case 'lessons':
      ctx.say(ctx.t('training.welcomeBack', { step: progress.step + 1, steps: module.steps.length }));
      return showStep(ctx, module, progress);
    case 'quiz':
      ctx.say(
        ctx.t('training.welcomeBackQuiz', { question: progress.question + 1, questions: module.quiz.length }),
      );
      return showQuestion(ctx, module, progress);
    case 'passed':
    case 'failed':
      return showDone(ctx, module, progress, false);
    default:
      return showList(ctx);
  }
}

async function save(
  ctx: FlowContext,
  progress: ModuleProgress,
  change: Partial<ModuleProgress>,
): Promise<ModuleProgress> {
  const next = { ...progress, ...change, updatedAt: ctx.now.toISOString() };
  await ctx.services.store.progress.put(next);
  return next;
}

function showStep(ctx: FlowContext, module: Module, progress: ModuleProgress): void {
  const index = Math.min(progress.step, module.steps.length - 1);
  const step = module.steps[index];
  if (!step) return;
  const last = index === module.steps.length - 1;
  const choices = [{ id: 'l:next', label: ctx.t(last ? 'training.startQuiz' : 'training.next') }];
  if (index > 0) choices.push({ id: 'l:back', label: ctx.t('training.back') });
  choices.push({ id: 't:list', label: ctx.t('training.otherModules') });
  ctx.goto('lesson');
  ctx.ask(
    `${ctx.t('training.stepHeader', { step: index + 1, steps: module.steps.length, title: step.title })}\n\n${step.body}`,
    choices,
  );
}

async function onLessonChoice(ctx: FlowContext, moduleId: string, input: FlowInput): Promise<void> {
  const module = localised(ctx, moduleId);
  const user = ctx.user;
  const progress = user ? await ctx.services.store.progress.get(user.id, moduleId) : undefined;
  if (!module || !progress || input.kind !== 'choice') return showList(ctx);
  if (input.id === 'l:back')
    return showStep(ctx, module, await save(ctx, progress, { step: Math.max(0, progress.step - 1) }));
  if (input.id !== 'l:next') return showStep(ctx, module, progress);
  if (progress.step + 1 < module.steps.length) {
    return showStep(ctx, module, await save(ctx, progress, { step: progress.step + 1 }));
  }
  ctx.say(ctx.t('training.quizIntro', { questions: module.quiz.length, pass: passCount(module) }));
  return showQuestion(ctx, module, await save(ctx, progress, { status: 'quiz', question: 0, correct: 0 }));
}

const passCount = (module: Module): number => Math.ceil(module.passMark * module.quiz.length - 1e-9);

function showQuestion(ctx: FlowContext, module: Module, progress: ModuleProgress): void {
  const question = module.quiz[progress.question];
  if (!question) return;
  ctx.goto('quiz');
  ctx.ask(
    `${ctx.t('training.questionHeader', { question: progress.question + 1, questions: module.quiz.length })}\n${question.question}`,
    question.options.map((o, i) => ({ id: `a:${question.id}:${i + 1}`, label: o.text })),
  );
}

async function onQuizAnswer(ctx: FlowContext, moduleId: string, input: FlowInput): Promise<void> {
  const module = localised(ctx, moduleId);
  const user = ctx.user;
  const progress = user ? await ctx.services.store.progress.get(user.id, moduleId) : undefined;
  if (!user || !module || !progress) return showList(ctx);
  const question = module.quiz[progress.question];
  const match = input.kind === 'choice' ? /^a:(.+):(\d+)$/.exec(input.id) : null;
  if (!question || !match || match[1] !== question.id) return showQuestion(ctx, module, progress);
  const chosen = Number(match[2]);
  const option = question.options[chosen - 1];
  const right = chosen === question.answer;
  const rightOption = question.options[question.answer - 1];
  ctx.say(
    right
      ? ctx.t('training.right', { feedback: option?.feedback })
      : ctx.t('training.wrong', { feedback: option?.feedback, answer: rightOption?.text }),
  );
  const correct = progress.correct + (right ? 1 : 0);
  if (progress.question + 1 < module.quiz.length) {
    return showQuestion(ctx, module, await save(ctx, progress, { question: progress.question + 1, correct }));
  }
  const total = module.quiz.length;
  const passed = correct >= passCount(module);
  // A pass stands: retaking a passed module for practice and scoring lower does not undo it.
  const keepPass = !passed && progress.passedAt !== null;
  const finished = await save(ctx, progress, {
    status: passed || keepPass ? 'passed' : 'failed',
    correct,
    attempts: progress.attempts + 1,
    lastScore: keepPass ? progress.lastScore : { correct, total },
    passedAt: progress.passedAt ?? (passed ? ctx.now.toISOString() : null),
  });
  if (keepPass) ctx.say(ctx.t('training.practiceScore', { correct, total }));
  await ctx.services.store.journal<TrainingRecord>('training').append({
    at: ctx.now.toISOString(),
    userId: user.id,
    teamId: user.teamId,
    moduleId,
    lang: module.lang,
    correct,
    total,
    passed,
  });
  return showDone(ctx, module, finished, true);
}

function showDone(ctx: FlowContext, module: Module, progress: ModuleProgress, justFinished: boolean): void {
  const score = progress.lastScore ?? { correct: 0, total: module.quiz.length };
  const passed = progress.status === 'passed';
  const key = passed ? (justFinished ? 'training.passed' : 'training.alreadyPassed') : 'training.failed';
  ctx.goto('done');
  ctx.ask(
    ctx.t(key, { title: module.title, correct: score.correct, total: score.total, pass: passCount(module) }),
    [
      { id: 'd:retake', label: ctx.t('training.retake') },
      { id: 'd:review', label: ctx.t('training.review') },
      { id: 't:list', label: ctx.t('training.otherModules') },
    ],
  );
}

async function onDoneChoice(ctx: FlowContext, moduleId: string, input: FlowInput): Promise<void> {
  const module = localised(ctx, moduleId);
  const user = ctx.user;
  const progress = user ? await ctx.services.store.progress.get(user.id, moduleId) : undefined;
  if (!module || !progress || input.kind !== 'choice') return showList(ctx);
  if (input.id === 'd:retake') {
    return showQuestion(ctx, module, await save(ctx, progress, { status: 'quiz', question: 0, correct: 0 }));
  }
  if (input.id === 'd:review') {
    // Reviewing keeps a pass: the module stays passed; a failed one goes back to lessons.
    const status = progress.status === 'passed' ? 'passed' : 'lessons';
    const next = await save(ctx, progress, { status, step: 0 });
    return showStep(ctx, module, { ...next, status: 'lessons' });
  }
  return showList(ctx);
}

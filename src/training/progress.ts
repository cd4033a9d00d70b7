/**
 * The rules of training progress: where a person is in a module, what a lesson step or a quiz answer does to it,
 * the pass mark, and that a pass stands. Pure functions of (progress, module, time); the training flow stages what
 * they return in the message's unit of work.
 */

/** Where a person is in one training module. Kept in the store so she continues where she left off. */
export interface ModuleProgress {
  userId: string;
  moduleId: string;
  status: 'lessons' | 'quiz' | 'passed' | 'failed';
  /** The lesson step on screen (0-based) while in lessons. */
  step: number;
  /** The quiz question on screen (0-based) and right answers so far, while in the quiz. */
  question: number;
  correct: number;
  attempts: number;
  /** The last finished quiz: right answers out of questions. */
  lastScore: { correct: number; total: number } | null;
  startedAt: string;
  updatedAt: string;
  /** When she first passed; reports count these. */
  passedAt: string | null;
}

/** One line per finished quiz, kept for good in the training journal. */
export interface TrainingRecord {
  at: string;
  userId: string;
  teamId: string | null;
  moduleId: string;
  lang: string;
  correct: number;
  total: number;
  passed: boolean;
}

/** What the rules need of a module (a content `Module` fits). */
export interface ModuleShape {
  lang: string;
  passMark: number;
  steps: readonly unknown[];
  quiz: readonly { answer: number }[];
}

/** Right answers needed to pass: the pass mark's share of the questions, rounded up (0.8 of 5 is 4). */
export function passCount(module: Pick<ModuleShape, 'passMark' | 'quiz'>): number {
  return Math.ceil(module.passMark * module.quiz.length - 1e-9);
}

/** Progress of a module she opens for the first time: at the first lesson. */
export function startProgress(userId: string, moduleId: string, at: Date): ModuleProgress {
  const now = at.toISOString();
  return {
    userId,
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
}

/** The screen progress resumes on: a lesson, a quiz question, or the module's result. */
export type ResumeAt = 'lesson' | 'quiz' | 'done';

export function resumeAt(progress: ModuleProgress): ResumeAt {
  switch (progress.status) {
    case 'lessons':
      return 'lesson';
    case 'quiz':
      return 'quiz';
    default:
      return 'done';
  }
}

/**
 * Progress within the module's bounds: a module republished with fewer lessons or questions (progress is kept per
 * module id, not per version) resumes at its last lesson, or restarts a quiz whose question is gone.
 */
export function fitProgress(progress: ModuleProgress, module: ModuleShape): ModuleProgress {
  const step = Math.max(0, Math.min(progress.step, module.steps.length - 1));
  const quizGone = progress.status === 'quiz' && progress.question >= module.quiz.length;
  if (step === progress.step && !quizGone) return progress;
  return { ...progress, step, ...(quizGone ? { question: 0, correct: 0 } : {}) };
}

const touched = (progress: ModuleProgress, change: Partial<ModuleProgress>, at: Date): ModuleProgress => ({
  ...progress,
  ...change,
  updatedAt: at.toISOString(),
});

/** "Next" on a lesson: the next lesson, or after the last one the quiz from its first question. */
export function nextLesson(
  progress: ModuleProgress,
  module: ModuleShape,
  at: Date,
): { progress: ModuleProgress; quizStarted: boolean } {
  if (progress.step + 1 < module.steps.length) {
    return { progress: touched(progress, { step: progress.step + 1 }, at), quizStarted: false };
  }
  return { progress: startQuiz(progress, at), quizStarted: true };
}

/** "Back" on a lesson: the one before (the first stays the first). */
export function previousLesson(progress: ModuleProgress, at: Date): ModuleProgress {
  return touched(progress, { step: Math.max(0, progress.step - 1) }, at);
}

/** The quiz from its first question, with no right answers yet (also a retake). */
export function startQuiz(progress: ModuleProgress, at: Date): ModuleProgress {
  return touched(progress, { status: 'quiz', question: 0, correct: 0 }, at);
}

/** Reviewing the lessons from the first: a passed module stays passed; a failed one goes back to lessons. */
export function reviewLessons(progress: ModuleProgress, at: Date): ModuleProgress {
  return touched(progress, { status: progress.status === 'passed' ? 'passed' : 'lessons', step: 0 }, at);
}

export interface QuizResult {
  correct: number;
  total: number;
  /** Whether this attempt reached the pass mark. */
  passed: boolean;
  /** She had passed before and scored lower now: the earlier pass stands (this was practice). */
  keptPass: boolean;
}

export interface AnswerOutcome {
  right: boolean;
  progress: ModuleProgress;
  /** The last question was answered: the attempt's result and its line for the training journal. */
  finished: { result: QuizResult; record: TrainingRecord } | null;
}

/**
 * Her answer to the question on screen (`chosen` counts from 1). After the last question the attempt is scored:
 * a pass sets `passedAt` once; a later lower score is practice and does not undo the pass (nor its score).
 */
export function answerQuestion(
  progress: ModuleProgress,
  module: ModuleShape,
  chosen: number,
  at: Date,
  who: { teamId: string | null },
): AnswerOutcome {
  const question = module.quiz[progress.question];
  const right = question !== undefined && chosen === question.answer;
  const correct = progress.correct + (right ? 1 : 0);
  if (progress.question + 1 < module.quiz.length) {
    return {
      right,
      progress: touched(progress, { question: progress.question + 1, correct }, at),
      finished: null,
    };
  }
  const total = module.quiz.length;
  const passed = correct >= passCount(module);
  const keptPass = !passed && progress.passedAt !== null;
  const next = touched(
    progress,
    {
      status: passed || keptPass ? 'passed' : 'failed',
      correct,
      attempts: progress.attempts + 1,
      lastScore: keptPass ? progress.lastScore : { correct, total },
      passedAt: progress.passedAt ?? (passed ? at.toISOString() : null),
    },
    at,
  );
  const record: TrainingRecord = {
    at: at.toISOString(),
    userId: progress.userId,
    teamId: who.teamId,
    moduleId: progress.moduleId,
    lang: module.lang,
    correct,
    total,
    passed,
  };
  return { right, progress: next, finished: { result: { correct, total, passed, keptPass }, record } };
}

import { describe, expect, it } from 'vitest';
import {
  answerQuestion,
  fitProgress,
  type ModuleProgress,
  type ModuleShape,
  nextLesson,
  passCount,
  previousLesson,
  resumeAt,
  reviewLessons,
  startProgress,
  startQuiz,
} from '../../src/training/progress.js';

const T0 = new Date('2026-03-02T08:00:00.000Z');
const T1 = new Date('2026-03-02T09:00:00.000Z');
const T2 = new Date('2026-03-03T09:00:00.000Z');

/** Three lessons; five questions whose right answer is option 1; pass mark 0.8 (4 of 5). */
const module: ModuleShape = {
  lang: 'sw',
  passMark: 0.8,
  steps: [{}, {}, {}],
  quiz: [{ answer: 1 }, { answer: 1 }, { answer: 1 }, { answer: 1 }, { answer: 1 }],
};

/** Answers the whole quiz from its start; `right` says which answers are right. */
function takeQuiz(progress: ModuleProgress, right: boolean[], at: Date) {
  let current = startQuiz(progress, at);
  let outcome = answerQuestion(current, module, right[0] ? 1 : 2, at, { teamId: 'team-1' });
  for (const r of right.slice(1)) {
    current = outcome.progress;
    outcome = answerQuestion(current, module, r ? 1 : 2, at, { teamId: 'team-1' });
  }
  return outcome;
}

describe('pass mark', () => {
  it.each([
    [0.8, 5, 4],
    [0.8, 4, 4], // 3.2 rounds up
    [0.5, 4, 2],
    [0.5, 5, 3],
    [1, 6, 6],
    [0.8, 6, 5], // 4.8 rounds up
    [0.75, 4, 3], // exactly 3, not 4 through floating point
  ])('pass mark %d of %d questions needs %d right', (passMark, questions, needed) => {
    expect(passCount({ passMark, quiz: Array.from({ length: questions }, () => ({ answer: 1 })) })).toBe(
      needed,
    );
  });
});

describe('lessons', () => {
  it('starts at the first lesson, with nothing scored and no pass', () => {
    const p = startProgress('u1', 'tb-basics', T0);
    expect(p).toMatchObject({
      status: 'lessons',
      step: 0,
      question: 0,
      correct: 0,
      attempts: 0,
      passedAt: null,
    });
    expect(p.startedAt).toBe(T0.toISOString());
    expect(resumeAt(p)).toBe('lesson');
  });

  it('goes forward and back, never before the first lesson, and into the quiz after the last', () => {
    let p = startProgress('u1', 'm', T0);
    expect(previousLesson(p, T1).step).toBe(0);
    let next = nextLesson(p, module, T1);
    expect(next).toMatchObject({ quizStarted: false, progress: { step: 1, updatedAt: T1.toISOString() } });
    p = nextLesson(next.progress, module, T1).progress;
    expect(p.step).toBe(2);
    expect(previousLesson(p, T1).step).toBe(1);
    next = nextLesson(p, module, T1);
    expect(next.quizStarted).toBe(true);
    expect(next.progress).toMatchObject({ status: 'quiz', question: 0, correct: 0 });
    expect(resumeAt(next.progress)).toBe('quiz');
  });
});

describe('a quiz answer', () => {
  it('counts a right answer and moves to the next question; a wrong one only moves on', () => {
    const quiz = startQuiz(startProgress('u1', 'm', T0), T0);
    const right = answerQuestion(quiz, module, 1, T1, { teamId: null });
    expect(right).toMatchObject({ right: true, finished: null, progress: { question: 1, correct: 1 } });
    const wrong = answerQuestion(right.progress, module, 3, T1, { teamId: null });
    expect(wrong).toMatchObject({ right: false, finished: null, progress: { question: 2, correct: 1 } });
  });

  it('passes at the pass mark (4/5): sets passedAt and the score, and writes a journal line', () => {
    const outcome = takeQuiz(startProgress('u1', 'tb-basics', T0), [true, false, true, true, true], T1);
    expect(outcome.progress).toMatchObject({
      status: 'passed',
      attempts: 1,
      lastScore: { correct: 4, total: 5 },
      passedAt: T1.toISOString(),
    });
    expect(outcome.finished).toEqual({
      result: { correct: 4, total: 5, passed: true, keptPass: false },
      record: {
        at: T1.toISOString(),
        userId: 'u1',
        teamId: 'team-1',
        moduleId: 'tb-basics',
        lang: 'sw',
        correct: 4,
        total: 5,
        passed: true,
      },
    });
    expect(resumeAt(outcome.progress)).toBe('done');
  });

  it('fails one below the pass mark (3/5): no passedAt, listed as failed, journal line says not passed', () => {
    const outcome = takeQuiz(startProgress('u1', 'm', T0), [true, false, true, false, true], T1);
    expect(outcome.progress).toMatchObject({
      status: 'failed',
      passedAt: null,
      lastScore: { correct: 3, total: 5 },
    });
    expect(outcome.finished?.record).toMatchObject({ correct: 3, passed: false });
    expect(outcome.finished?.result.keptPass).toBe(false);
  });

  it('a pass stands: a lower retake is practice, keeps the pass, its date and its score', () => {
    const first = takeQuiz(startProgress('u1', 'm', T0), [true, true, true, true, false], T1).progress;
    const retake = takeQuiz(first, [false, false, true, false, false], T2);
    expect(retake.progress).toMatchObject({
      status: 'passed',
      attempts: 2,
      passedAt: T1.toISOString(),
      lastScore: { correct: 4, total: 5 },
    });
    // The journal still tells the truth about this attempt.
    expect(retake.finished?.result).toEqual({ correct: 1, total: 5, passed: false, keptPass: true });
    expect(retake.finished?.record).toMatchObject({ correct: 1, passed: false, at: T2.toISOString() });
  });

  it('a better retake after a pass updates the score but not the first pass date', () => {
    const first = takeQuiz(startProgress('u1', 'm', T0), [true, true, true, true, false], T1).progress;
    const retake = takeQuiz(first, [true, true, true, true, true], T2);
    expect(retake.progress).toMatchObject({
      passedAt: T1.toISOString(),
      lastScore: { correct: 5, total: 5 },
    });
  });

  it('a failed module passed on retake gets its pass then', () => {
    const failed = takeQuiz(startProgress('u1', 'm', T0), [false, false, false, false, false], T1).progress;
    const retake = takeQuiz(failed, [true, true, true, true, true], T2);
    expect(retake.progress).toMatchObject({ status: 'passed', attempts: 2, passedAt: T2.toISOString() });
  });
});

describe('retake and review', () => {
  it('a retake starts the quiz from its first question with nothing right yet', () => {
    const done = takeQuiz(startProgress('u1', 'm', T0), [true, true, true, true, true], T1).progress;
    expect(startQuiz(done, T2)).toMatchObject({
      status: 'quiz',
      question: 0,
      correct: 0,
      passedAt: T1.toISOString(),
    });
  });

  it('reviewing keeps a pass; a failed module goes back to its lessons', () => {
    const passed = takeQuiz(startProgress('u1', 'm', T0), [true, true, true, true, true], T1).progress;
    expect(reviewLessons({ ...passed, step: 2 }, T2)).toMatchObject({ status: 'passed', step: 0 });
    const failed = takeQuiz(startProgress('u1', 'm', T0), [false, false, false, false, false], T1).progress;
    expect(reviewLessons(failed, T2)).toMatchObject({ status: 'lessons', step: 0 });
  });
});

describe('progress on a republished module', () => {
  it('is unchanged when it fits', () => {
    const p = nextLesson(startProgress('u1', 'm', T0), module, T1).progress;
    expect(fitProgress(p, module)).toBe(p);
  });

  it('resumes at the last lesson when lessons were removed', () => {
    const p = { ...startProgress('u1', 'm', T0), step: 7 };
    expect(fitProgress(p, module).step).toBe(2);
  });

  it('restarts a quiz whose question is gone', () => {
    const p = { ...startQuiz(startProgress('u1', 'm', T0), T0), question: 5, correct: 4 };
    expect(fitProgress(p, module)).toMatchObject({ status: 'quiz', question: 0, correct: 0 });
  });
});

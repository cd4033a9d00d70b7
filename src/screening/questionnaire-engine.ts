import { type Compiled, compile, MissingAnswer, type Values } from './expressions.js';
import { type Question, type Questionnaire, URGENCIES, type Urgency } from './schema.js';

export interface Outcome {
  questionnaire: string;
  version: number;
  urgency: Urgency;
  score: number | null;
  band: string | null;
  /** Ids of the rules that fired. */
  reasons: string[];
  /** Ids of the notes whose condition holds (extra advice). */
  notes: string[];
}

/** Why an answer was refused; the chat turns it into a message in her language, the CLI into English. */
export type Problem =
  | { code: 'required' }
  | { code: 'yesno' }
  | { code: 'number' }
  | { code: 'integer' }
  | { code: 'range'; min: number; max: number; unit?: string }
  | { code: 'option'; options: string[] }
  | { code: 'options'; options: string[] }
  | { code: 'check'; index: number; message: string };

export interface AnswerIssue {
  question: string;
  problem: Problem;
}

export type Evaluation =
  | { ok: true; outcome: Outcome; answers: Values }
  | { ok: false; issues: AnswerIssue[] };

const RANK: Record<Urgency, number> = Object.fromEntries(URGENCIES.map((u, i) => [u, i])) as Record<
  Urgency,
  number
>;

/** True only when the expression is true; a missing value it needs makes it false (the rule does not fire). */
function holds(fn: Compiled, values: Values): boolean {
  const result = fn(values);
  if (result instanceof MissingAnswer) return false;
  if (result instanceof Error) throw result;
  return result === true || result === 1;
}

/**
 * A questionnaire compiled once: the generic engine every questionnaire runs on (questions, skips, scores, bands,
 * rules, notes), with no questionnaire-specific code. The chat, the command line and the self-tests all use it.
 */
export class CompiledQuestionnaire {
  private readonly askIf = new Map<string, Compiled>();
  private readonly checks = new Map<string, Compiled[]>();
  private readonly computed: { id: string; fn: Compiled }[];
  private readonly score: Compiled | null;
  private readonly scoreWhen: Compiled | null;
  private readonly bands: { id: string; fn: Compiled }[];
  private readonly rules: { id: string; urgency: Urgency; fn: Compiled }[];
  private readonly notes: { id: string; fn: Compiled }[];

  constructor(readonly source: Questionnaire) {
    const questionIds = new Set(source.questions.map((q) => q.id));
    for (const q of source.questions) {
      if (q.askIf) this.askIf.set(q.id, compile(q.askIf));
      if (q.checks.length > 0)
        this.checks.set(
          q.id,
          q.checks.map((c) => compile(c.when)),
        );
    }
    this.computed = source.computed.map((c) => ({ id: c.id, fn: compile(c.expr) }));
    // A score sums the items asked: skipped items read as missing, and num() turns them into 0.
    this.score = source.score ? compile(source.score.expr, questionIds) : null;
    this.scoreWhen = source.score?.when ? compile(source.score.when, questionIds) : null;
    this.bands = source.bands.map((b) => ({ id: b.id, fn: compile(b.when) }));
    this.rules = source.rules.map((r) => ({ id: r.id, urgency: r.urgency, fn: compile(r.when) }));
    this.notes = source.notes.map((n) => ({ id: n.id, fn: compile(n.when) }));
  }

  get id(): string {
    return this.source.id;
  }

  question(id: string): Question | undefined {
    return this.source.questions.find((q) => q.id === id);
  }

  /** Whether a question is asked, given the answers to the questions before it. */
  isAsked(question: Question, answers: Values): boolean {
    const condition = this.askIf.get(question.id);
    return condition ? holds(condition, answers) : true;
  }

  /** The next question to ask, or null when all asked questions have an answer. */
  next(answers: Values): Question | null {
    for (const q of this.source.questions) {
      if (!this.isAsked(q, answers)) continue;
      if (answers[q.id] === undefined) return q;
    }
    return null;
  }

  /** The answered, asked questions before `question` (for "back"). */
  previous(question: Question, answers: Values): Question | null {
    const index = this.source.questions.indexOf(question);
    for (let i = index - 1; i >= 0; i--) {
      const q = this.source.questions[i];
      if (q && this.isAsked(q, answers) && answers[q.id] !== undefined) return q;
    }
    return null;
  }

  /** Checks one answer on its own (type, range, options); null when it is fine. */
  checkValue(question: Question, value: unknown): Problem | null {
    if (value === undefined || value === null) return { code: 'required' };
    switch (question.type) {
      case 'yesno':
        return typeof value === 'boolean' ? null : { code: 'yesno' };
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) return { code: 'number' };
        if (question.integer && !Number.isInteger(value)) return { code: 'integer' };
        if (value < question.min || value > question.max) {
          return { code: 'range', min: question.min, max: question.max, unit: question.unit };
        }
        return null;
      case 'choice': {
        const allowed = question.options.map((o) => o.value ?? o.id);
        return allowed.includes(value as string | number)
          ? null
          : { code: 'option', options: allowed.map(String) };
      }
      case 'multi': {
        const ids = question.options.map((o) => o.id);
        const ok =
          Array.isArray(value) && value.every((v) => ids.includes(v)) && new Set(value).size === value.length;
        return ok ? null : { code: 'options', options: ids };
      }
      default:
        return null;
    }
  }

  /** Cross-answer checks of a question (e.g. systolic above diastolic), given all answers so far. */
  checkAgainstOthers(question: Question, answers: Values): Problem | null {
    const fns = this.checks.get(question.id) ?? [];
    for (const [index, fn] of fns.entries()) {
      const result = fn(answers);
      if (result instanceof MissingAnswer) continue;
      if (result !== true && result !== 1) {
        return { code: 'check', index, message: question.checks[index]?.message ?? '' };
      }
    }
    return null;
  }

  /** Scores a complete set of answers; answers to skipped or unknown questions are ignored without checks. */
  evaluate(raw: Record<string, unknown>): Evaluation {
    const values: Values = {};
    const issues: AnswerIssue[] = [];
    for (const q of this.source.questions) {
      if (!this.isAsked(q, values)) continue;
      const problem = this.checkValue(q, raw[q.id]);
      if (problem) issues.push({ question: q.id, problem });
      else values[q.id] = raw[q.id];
    }
    for (const q of this.source.questions) {
      if (values[q.id] === undefined) continue;
      const problem = this.checkAgainstOthers(q, values);
      if (problem) issues.push({ question: q.id, problem });
    }
    if (issues.length > 0) return { ok: false, issues };
    const derived: Values = { ...values };
    for (const c of this.computed) {
      const result = c.fn(derived);
      if (!(result instanceof Error)) derived[c.id] = result;
    }
    let score: number | null = null;
    if (this.score && (!this.scoreWhen || holds(this.scoreWhen, derived))) {
      const result = this.score(derived);
      if (typeof result === 'number') score = result;
      derived.score = score ?? undefined;
    }
    const band = this.bands.find((b) => holds(b.fn, derived))?.id ?? null;
    derived.band = band ?? undefined;
    const fired = this.rules.filter((r) => holds(r.fn, derived));
    const urgency = fired.reduce<Urgency>(
      (worst, r) => (RANK[r.urgency] > RANK[worst] ? r.urgency : worst),
      'none',
    );
    return {
      ok: true,
      answers: values,
      outcome: {
        questionnaire: this.source.id,
        version: this.source.version,
        urgency,
        score,
        band,
        reasons: fired.map((r) => r.id),
        notes: this.notes.filter((n) => holds(n.fn, derived)).map((n) => n.id),
      },
    };
  }

  /** Runs the questionnaire's own test cases; returns a message per failing case. */
  selfTest(): string[] {
    const failures: string[] = [];
    for (const test of this.source.tests) {
      const result = this.evaluate(test.answers);
      const { expect } = test;
      if (!result.ok) {
        const got = result.issues.map((i) => `${i.question}: ${i.problem.code}`).join(', ');
        if (!expect.error) failures.push(`"${test.name}": answers refused (${got})`);
        else if (!result.issues.some((i) => i.question === expect.error)) {
          failures.push(`"${test.name}": expected ${expect.error} to be refused, got ${got}`);
        }
        continue;
      }
      if (expect.error) {
        failures.push(
          `"${test.name}": expected ${expect.error} to be refused, but the answers were accepted`,
        );
        continue;
      }
      const o = result.outcome;
      if (expect.urgency !== undefined && o.urgency !== expect.urgency) {
        failures.push(`"${test.name}": urgency ${o.urgency}, expected ${expect.urgency}`);
      }
      if (expect.score !== undefined && o.score !== expect.score) {
        failures.push(`"${test.name}": score ${o.score}, expected ${expect.score}`);
      }
      if (expect.band !== undefined && o.band !== expect.band) {
        failures.push(`"${test.name}": band ${o.band}, expected ${expect.band}`);
      }
      if (
        expect.reasons !== undefined &&
        [...o.reasons].sort().join() !== [...expect.reasons].sort().join()
      ) {
        failures.push(
          `"${test.name}": reasons [${o.reasons.join(', ')}], expected [${expect.reasons.join(', ')}]`,
        );
      }
    }
    return failures;
  }
}

/** The CLI's English rendering of a refused answer. */
export function describeProblem(problem: Problem): string {
  switch (problem.code) {
    case 'required':
      return 'is required';
    case 'yesno':
      return 'must be true or false';
    case 'number':
      return 'must be a number';
    case 'integer':
      return 'must be a whole number';
    case 'range':
      return `must be from ${problem.min} to ${problem.max}${problem.unit ? ` ${problem.unit}` : ''}`;
    case 'option':
      return `must be one of ${problem.options.join(', ')}`;
    case 'options':
      return `must be a list of distinct options from ${problem.options.join(', ')} ([] for none)`;
    case 'check':
      return problem.message;
    default:
      return 'is not valid';
  }
}

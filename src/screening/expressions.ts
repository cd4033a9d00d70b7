import { compileExpression } from 'filtrex';

/** A value a rule needs was not asked (skipped): the rule does not fire (shared docs/screening.md, Answers). */
export class MissingAnswer extends Error {
  constructor(readonly question: string) {
    super(`no answer to ${question}`);
    this.name = 'MissingAnswer';
  }
}

export type Values = Record<string, unknown>;
export type Compiled = (values: Values) => unknown;

/** BMI and the like are rounded as clinicians record them, halves up: 24.95 -> 25.0 (the epsilon absorbs float error). */
export const round1 = (x: number): number => Math.round(x * 10 + 1e-7) / 10;

const FUNCTIONS = {
  /** Whether a several-answers question includes an option: has(symptoms, "cough"). */
  has: (list: unknown, option: unknown) => Array.isArray(list) && list.includes(option),
  /** How many options were picked. */
  count: (list: unknown) => (Array.isArray(list) ? list.length : 0),
  round1,
  /** A number answer, or 0 when the question was skipped: for sums over the items asked (PHQ-9). */
  num: (value: unknown) => (typeof value === 'number' ? value : 0),
};

/** `true` and `false` as values (filtrex would otherwise read them as question ids). */
const CONSTANTS = { true: true, false: false };

/**
 * Compiles a rule or formula written in the questionnaire file ("systolic >= 140 or diastolic >= 90") with
 * filtrex: a small, safe expression language (no access to JavaScript). Variables are question ids and computed
 * values; reading one that has no value makes the whole expression "missing".
 */
export function compile(expression: string, optional: ReadonlySet<string> = new Set()): Compiled {
  const fn = compileExpression(expression, {
    extraFunctions: FUNCTIONS,
    constants: CONSTANTS,
    customProp: (name: string, _get: unknown, object: Values) => {
      if (object[name] === undefined) {
        if (optional.has(name)) return undefined;
        throw new MissingAnswer(name);
      }
      return object[name];
    },
  });
  return (values) => fn(values);
}

/** Whether an expression compiles; the message when it does not (content validation reports it). */
export function compileError(expression: string): string | null {
  try {
    compileExpression(expression, { extraFunctions: FUNCTIONS, constants: CONSTANTS });
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'does not compile';
  }
}

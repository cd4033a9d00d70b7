import type { FlowInput } from '../../core/flow.js';
import type { Translator } from '../../i18n/i18n.js';
import type { Problem } from '../../screening/questionnaire-engine.js';
import type { Question } from '../../screening/schema.js';
import { parseNumber } from './number-input.js';

/** The local choice id of an answer (yes, no, or an option id); the flow's namespace is added when asked. */
export const answerId = (value: string): string => `a:${value}`;
const answerOf = (id: string): string | null => (id.startsWith('a:') ? id.slice(2) : null);

/** An answer value, as the screening keeps it while it runs. */
export type AnswerValue = boolean | number | string | string[];

export { parseNumber };

/**
 * Turns what she sent into an answer value for the question, or a problem to explain. `units` are the spellings of
 * the question's unit she may type after a number (the English one and her language's).
 */
export function answerFrom(
  question: Question,
  input: FlowInput,
  units: readonly string[] = [],
): { value: AnswerValue } | { problem: Problem } {
  switch (question.type) {
    case 'yesno': {
      const id = input.kind === 'choice' ? answerOf(input.id) : null;
      if (id === 'yes' || id === 'no') return { value: id === 'yes' };
      return { problem: { code: 'yesno' } };
    }
    case 'number': {
      const value = input.kind === 'text' ? parseNumber(input.text, units) : null;
      return value === null ? { problem: { code: 'number' } } : { value };
    }
    case 'choice': {
      const id = input.kind === 'choice' ? answerOf(input.id) : null;
      const option = question.options.find((o) => o.id === id);
      return option ? { value: option.value ?? option.id } : { problem: { code: 'option', options: [] } };
    }
    case 'multi': {
      if (input.kind !== 'choices') return { problem: { code: 'options', options: [] } };
      const ids = input.ids.map(answerOf);
      const known = new Set(question.options.map((o) => o.id));
      if (!ids.every((id): id is string => id !== null && known.has(id)))
        return { problem: { code: 'options', options: [] } };
      return { value: ids };
    }
    default:
      return { problem: { code: 'required' } };
  }
}

/** The message for a refused answer, in her language. */
export function problemText(t: Translator, problem: Problem, checkText: (index: number) => string): string {
  switch (problem.code) {
    case 'range':
      return t('screening.invalid.range', {
        min: problem.min,
        max: problem.max,
        unit: problem.unit ?? '',
      }).trim();
    case 'check':
      return checkText(problem.index);
    default:
      return t(`screening.invalid.${problem.code}`);
  }
}

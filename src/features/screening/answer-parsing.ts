import type { FlowContext, FlowInput } from '../../core/flow.js';
import type { Problem } from '../../screening/questionnaire-engine.js';
import type { Question } from '../../screening/schema.js';

/** "62,5" and "62.5" are both 62.5; anything else that is not a plain number is refused. */
export function parseNumber(text: string): number | null {
  const cleaned = text.trim().replace(/\s+/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return null;
  return Number(cleaned);
}

/** Turns what she sent into an answer value for the question, or a problem to explain. */
export function answerFrom(question: Question, input: FlowInput): { value: unknown } | { problem: Problem } {
  switch (question.type) {
    case 'yesno':
      if (input.kind === 'choice' && (input.id === 'a:yes' || input.id === 'a:no'))
        return { value: input.id === 'a:yes' };
      return { problem: { code: 'yesno' } };
    case 'number': {
      const value = input.kind === 'text' ? parseNumber(input.text) : null;
      return value === null ? { problem: { code: 'number' } } : { value };
    }
    case 'choice': {
      const id = input.kind === 'choice' ? input.id.replace(/^a:/, '') : '';
      const option = question.options.find((o) => o.id === id);
      return option ? { value: option.value ?? option.id } : { problem: { code: 'option', options: [] } };
    }
    case 'multi':
      if (input.kind === 'choices') return { value: input.ids.map((id) => id.replace(/^a:/, '')) };
      return { problem: { code: 'options', options: [] } };
    default:
      return { problem: { code: 'required' } };
  }
}

/** The message for a refused answer, in her language. */
export function problemText(
  ctx: FlowContext,
  problem: Problem,
  checkText: (index: number) => string,
): string {
  switch (problem.code) {
    case 'range':
      return ctx
        .t('screening.invalid.range', { min: problem.min, max: problem.max, unit: problem.unit ?? '' })
        .trim();
    case 'check':
      return checkText(problem.index);
    default:
      return ctx.t(`screening.invalid.${problem.code}`);
  }
}

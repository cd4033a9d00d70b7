import type { z } from 'zod';
import type { ErrorParams } from './yaml-file.js';

/**
 * The code and values of a schema (zod) issue, so the trainer reads it in her language (contentErrors:schema.*);
 * the English message stays what `content validate` prints. A `.refine` names its code in `params.code`; a regex
 * is known by its English message (zod does not carry params on a regex check); anything else keeps the English
 * detail inside a translated "this value is not valid".
 */
export function issueCode(issue: z.core.$ZodIssue): { code: string; params: ErrorParams } {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return { code: 'schema.missing', params: { expected: issue.expected } };
      const received = typeOf(issue.input);
      if (issue.expected === 'int' && received === 'number') return { code: 'schema.notInteger', params: {} };
      return { code: 'schema.wrongType', params: { expected: issue.expected, received } };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return { code: 'schema.tooLong', params: { max } };
      if (issue.origin === 'array' || issue.origin === 'set')
        return { code: 'schema.tooMany', params: { max } };
      if (issue.origin === 'number' || issue.origin === 'int')
        return { code: issue.inclusive ? 'schema.tooBig' : 'schema.notBelow', params: { max } };
      break;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string')
        return min <= 1 ? { code: 'schema.empty', params: {} } : { code: 'schema.tooShort', params: { min } };
      if (issue.origin === 'array' || issue.origin === 'set')
        return { code: 'schema.tooFew', params: { min } };
      if (issue.origin === 'number' || issue.origin === 'int')
        return { code: issue.inclusive ? 'schema.tooSmall' : 'schema.notAbove', params: { min } };
      break;
    }
    case 'unrecognized_keys':
      return { code: 'schema.unknownKeys', params: { keys: issue.keys.join(', ') } };
    case 'invalid_value':
      return issue.values.length === 1
        ? { code: 'schema.mustBe', params: { value: shown(issue.values[0]) } }
        : { code: 'schema.oneOf', params: { values: issue.values.map(shown).join(', ') } };
    case 'invalid_union':
      if ('options' in issue && issue.options && issue.options.length > 0)
        return { code: 'schema.oneOf', params: { values: issue.options.map(shown).join(', ') } };
      return { code: 'schema.noForm', params: {} };
    case 'invalid_format': {
      if (issue.format === 'url') return { code: 'schema.url', params: {} };
      const format = FORMAT_CODES[issue.message];
      if (format) return { code: format, params: {} };
      break;
    }
    case 'invalid_key':
      return { code: 'schema.badKey', params: { key: String(issue.path.at(-1) ?? '') } };
    case 'not_multiple_of':
      return { code: 'schema.multipleOf', params: { divisor: Number(issue.divisor) } };
    case 'custom': {
      const code: unknown = issue.params?.code;
      if (typeof code === 'string') return { code, params: {} };
      break;
    }
  }
  return { code: 'schema.invalid', params: { message: issue.message } };
}

/** The regex messages of src/content/schemas.ts and src/screening/schema.ts, each with its translation. */
const FORMAT_CODES: Partial<Record<string, string>> = {
  'must be lowercase words joined by "-" (e.g. tb-signs)': 'format.id',
  'must be lowercase words joined by "-"': 'format.id',
  'must be lowercase letters, digits, "-" or "_"': 'format.localId',
  'must be a date YYYY-MM-DD': 'format.date',
  'must be a questionnaire id': 'format.questionnaireId',
  'must be an option id of the questionnaire (snake_case)': 'format.optionId',
  'must be a questionnaire option id (snake_case)': 'format.optionId',
  'must be snake_case (e.g. night_sweats)': 'format.snakeCase',
  'must be an advice group: lowercase words joined by "_"': 'format.snakeCase',
  'must be snake_case (e.g. night_sweats or 3_to_5_years)': 'format.snakeCase',
  'a concept name (snake_case), "a+b" or "!a"': 'format.concept',
  'must be <questionnaire>:<option id> or a rule id': 'format.signId',
};

/** The kind of a value as the locale's `types.*` names it. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  return typeof value;
}

const shown = (value: unknown): string => (typeof value === 'string' ? value : String(value));

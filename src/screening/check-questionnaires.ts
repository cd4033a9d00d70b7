import type { ContentSet, Origin } from '../content/content-set.js';
import { type ContentError, type ErrorParams, errorReporter, type ReportAt } from '../content/yaml-file.js';
import { compileError } from './expressions.js';
import { CompiledQuestionnaire } from './questionnaire-engine.js';
import type { Questionnaire, QuestionnaireText } from './schema.js';

/**
 * Questionnaire checks beyond the schema: expressions compile and name known ids, the questionnaire's own test
 * cases pass (a questionnaire whose cases fail cannot be loaded), and every translation has every text and no
 * unknown id. Archived versions (content/questionnaires/archive/<id>.v<n>.yaml) get the same checks, so a
 * screening stored under an earlier version can always be shown with that version's texts; each is older than a
 * current questionnaire of the same id, and a translation is of the version it names.
 */
export function checkQuestionnaires(content: ContentSet, origins: Map<object, Origin>): ContentError[] {
  const errors: ContentError[] = [];
  const at = errorReporter(origins, errors);
  const current = new Map<string, Questionnaire>();
  const archived = new Map<string, Questionnaire>();
  for (const q of content.questionnaires) {
    if (current.has(q.id))
      at(q, ['id'], `duplicate questionnaire id "${q.id}"`, 'q.duplicateId', { id: q.id });
    current.set(q.id, q);
    checkOne(q, at);
  }
  for (const q of content.archivedQuestionnaires) {
    const key = `${q.id}@${q.version}`;
    if (archived.has(key))
      at(q, ['version'], `duplicate archived version ${q.version} of "${q.id}"`, 'q.duplicateArchived', {
        version: q.version,
        id: q.id,
      });
    archived.set(key, q);
    const now = current.get(q.id);
    if (!now)
      at(q, ['id'], `archives "${q.id}", which is not a current questionnaire`, 'q.archiveNotCurrent', {
        id: q.id,
      });
    else if (q.version >= now.version) {
      at(
        q,
        ['version'],
        `archived version ${q.version} is not older than the current version ${now.version}`,
        'q.archiveNotOlder',
        { version: q.version, current: now.version },
      );
    }
    checkOne(q, at);
  }
  const translate = (text: QuestionnaireText, source: Questionnaire | undefined, archive: boolean) => {
    if (!source) {
      const what = archive ? `version ${text.version} of "${text.id}"` : `"${text.id}"`;
      at(
        text,
        ['id'],
        `translates ${what}, which is not a questionnaire`,
        archive ? 'q.translatesMissingVersion' : 'q.translatesMissing',
        { id: text.id, version: text.version },
      );
      return;
    }
    for (const p of translationProblems(source, text)) at(text, p.path, p.message, p.code, p.params);
  };
  for (const text of content.questionnaireTexts) {
    const source = current.get(text.id);
    if (source && text.version !== source.version) {
      at(
        text,
        ['version'],
        `is made from version ${text.version} of "${text.id}"; the questionnaire is version ${source.version} (translate the changes, then set version: ${source.version})`,
        'q.textVersion',
        { version: text.version, id: text.id, current: source.version },
      );
    }
    translate(text, source, false);
  }
  for (const text of content.archivedQuestionnaireTexts) {
    translate(text, archived.get(`${text.id}@${text.version}`), true);
  }
  return errors;
}

/** One problem at a path of a questionnaire or translation, in English and as a code with values. */
interface Problem {
  path: (string | number)[];
  message: string;
  code: string;
  params: ErrorParams;
}

function checkOne(q: Questionnaire, at: ReportAt): void {
  const broken = expressionErrors(q);
  for (const { path, message, code, params } of broken) at(q, path, message, code, params);
  if (broken.length > 0) return;
  for (const failure of new CompiledQuestionnaire(q).selfTest())
    at(q, ['tests'], `test case ${failure}`, 'q.testFailed', { detail: failure });
}

function expressionErrors(q: Questionnaire): Problem[] {
  const known = new Set([...q.questions.map((x) => x.id), ...q.computed.map((c) => c.id), 'score', 'band']);
  const found: Problem[] = [];
  const check = (expr: string, path: (string | number)[]) => {
    const error = compileError(expr);
    if (error) {
      found.push({
        path,
        message: `expression does not compile: ${error}`,
        code: 'q.expressionCompile',
        params: { detail: error },
      });
      return;
    }
    // Names outside strings that are not functions, keywords or literals must be known ids.
    const names = expr.replace(/"[^"]*"/g, '').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
    const reserved = new Set([
      'and',
      'or',
      'not',
      'in',
      'if',
      'then',
      'else',
      'true',
      'false',
      'has',
      'count',
      'round1',
      'num',
      'mod',
    ]);
    for (const name of names) {
      if (!reserved.has(name) && !known.has(name))
        found.push({
          path,
          message: `"${name}" is not a question or computed value`,
          code: 'q.unknownName',
          params: { name },
        });
    }
  };
  q.questions.forEach((question, i) => {
    if (question.askIf) check(question.askIf, ['questions', i, 'askIf']);
    question.checks.forEach((c, j) => {
      check(c.when, ['questions', i, 'checks', j, 'when']);
    });
  });
  q.computed.forEach((c, i) => {
    check(c.expr, ['computed', i, 'expr']);
  });
  if (q.score) check(q.score.expr, ['score', 'expr']);
  if (q.score?.when) check(q.score.when, ['score', 'when']);
  q.bands.forEach((b, i) => {
    check(b.when, ['bands', i, 'when']);
  });
  q.rules.forEach((r, i) => {
    check(r.when, ['rules', i, 'when']);
  });
  q.notes.forEach((n, i) => {
    check(n.when, ['notes', i, 'when']);
  });
  return found;
}

/** The parts of a questionnaire a translation gives text for (contentErrors:parts.<part>). */
type Part = 'question' | 'option' | 'rule' | 'band' | 'note' | 'advice';

function translationProblems(source: Questionnaire, text: QuestionnaireText): Problem[] {
  const problems: Problem[] = [];
  const missing = (path: (string | number)[], part: Part, id: string) =>
    problems.push({
      path,
      message: `has no text for ${part === 'advice' ? `advice.${id}` : `${part} ${id}`}`,
      code: 'q.noText',
      params: { part, id },
    });
  const unknown = (path: (string | number)[], part: Part, id: string) =>
    problems.push({
      path,
      message: `names ${part} ${id}, which the questionnaire does not have`,
      code: 'q.unknownPart',
      params: { part, id },
    });
  for (const q of source.questions) {
    const t = text.questions[q.id];
    if (!t) {
      missing(['questions'], 'question', q.id);
      continue;
    }
    if (q.type === 'choice' || q.type === 'multi') {
      for (const o of q.options)
        if (!t.options?.[o.id]) missing(['questions', q.id, 'options'], 'option', `${q.id}.${o.id}`);
      for (const o of Object.keys(t.options ?? {})) {
        if (!q.options.some((x) => x.id === o))
          unknown(['questions', q.id, 'options', o], 'option', `${q.id}.${o}`);
      }
    }
    if (q.checks.length !== (t.checks?.length ?? 0)) {
      problems.push({
        path: ['questions', q.id],
        message: `has ${t.checks?.length ?? 0} check messages; the questionnaire has ${q.checks.length}`,
        code: 'q.checkCount',
        params: { count: t.checks?.length ?? 0, expected: q.checks.length },
      });
    }
  }
  for (const id of Object.keys(text.questions))
    if (!source.questions.some((q) => q.id === id)) unknown(['questions', id], 'question', id);
  for (const r of source.rules) if (!text.rules[r.id]) missing(['rules'], 'rule', r.id);
  for (const id of Object.keys(text.rules))
    if (!source.rules.some((r) => r.id === id)) unknown(['rules', id], 'rule', id);
  for (const b of source.bands) if (!text.bands[b.id]) missing(['bands'], 'band', b.id);
  for (const n of source.notes) if (!text.notes[n.id]) missing(['notes'], 'note', n.id);
  for (const id of Object.keys(text.notes))
    if (!source.notes.some((n) => n.id === id)) unknown(['notes', id], 'note', id);
  for (const key of ['emergency', 'urgent', 'routine'] as const) {
    if (source.advice[key] && !text.advice[key]) missing(['advice'], 'advice', key);
  }
  return problems;
}

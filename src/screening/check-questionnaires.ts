import type { ContentSet, Origin } from '../content/content-set.js';
import { type ContentError, errorReporter } from '../content/yaml-file.js';
import { compileError } from './expressions.js';
import { CompiledQuestionnaire } from './questionnaire-engine.js';
import type { Questionnaire, QuestionnaireText } from './schema.js';

/**
 * Questionnaire checks beyond the schema: expressions compile and name known ids, the questionnaire's own test
 * cases pass (a questionnaire whose cases fail cannot be loaded), and every translation has every text and no
 * unknown id.
 */
export function checkQuestionnaires(content: ContentSet, origins: Map<object, Origin>): ContentError[] {
  const errors: ContentError[] = [];
  const at = errorReporter(origins, errors);
  const seen = new Set<string>();
  for (const q of content.questionnaires) {
    if (seen.has(q.id)) at(q, ['id'], `duplicate questionnaire id "${q.id}"`);
    seen.add(q.id);
    const broken = expressionErrors(q);
    for (const { path, message } of broken) at(q, path, message);
    if (broken.length > 0) continue;
    for (const failure of new CompiledQuestionnaire(q).selfTest()) at(q, ['tests'], `test case ${failure}`);
  }
  for (const text of content.questionnaireTexts) {
    const source = content.questionnaires.find((q) => q.id === text.id);
    if (!source) {
      at(text, ['id'], `translates "${text.id}", which is not a questionnaire`);
      continue;
    }
    for (const problem of translationProblems(source, text)) at(text, problem.path, problem.message);
  }
  return errors;
}

function expressionErrors(q: Questionnaire): { path: (string | number)[]; message: string }[] {
  const known = new Set([...q.questions.map((x) => x.id), ...q.computed.map((c) => c.id), 'score', 'band']);
  const found: { path: (string | number)[]; message: string }[] = [];
  const check = (expr: string, path: (string | number)[]) => {
    const error = compileError(expr);
    if (error) {
      found.push({ path, message: `expression does not compile: ${error}` });
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
        found.push({ path, message: `"${name}" is not a question or computed value` });
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

function translationProblems(
  source: Questionnaire,
  text: QuestionnaireText,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const missing = (path: (string | number)[], what: string) =>
    problems.push({ path, message: `has no text for ${what}` });
  const unknown = (path: (string | number)[], what: string) =>
    problems.push({ path, message: `names ${what}, which the questionnaire does not have` });
  for (const q of source.questions) {
    const t = text.questions[q.id];
    if (!t) {
      missing(['questions'], `question ${q.id}`);
      continue;
    }
    if (q.type === 'choice' || q.type === 'multi') {
      for (const o of q.options)
        if (!t.options?.[o.id]) missing(['questions', q.id, 'options'], `option ${q.id}.${o.id}`);
      for (const o of Object.keys(t.options ?? {})) {
        if (!q.options.some((x) => x.id === o))
          unknown(['questions', q.id, 'options', o], `option ${q.id}.${o}`);
      }
    }
    if (q.checks.length !== (t.checks?.length ?? 0)) {
      problems.push({
        path: ['questions', q.id],
        message: `has ${t.checks?.length ?? 0} check messages; the questionnaire has ${q.checks.length}`,
      });
    }
  }
  for (const id of Object.keys(text.questions))
    if (!source.questions.some((q) => q.id === id)) unknown(['questions', id], `question ${id}`);
  for (const r of source.rules) if (!text.rules[r.id]) missing(['rules'], `rule ${r.id}`);
  for (const id of Object.keys(text.rules))
    if (!source.rules.some((r) => r.id === id)) unknown(['rules', id], `rule ${id}`);
  for (const b of source.bands) if (!text.bands[b.id]) missing(['bands'], `band ${b.id}`);
  for (const n of source.notes) if (!text.notes[n.id]) missing(['notes'], `note ${n.id}`);
  for (const id of Object.keys(text.notes))
    if (!source.notes.some((n) => n.id === id)) unknown(['notes', id], `note ${id}`);
  for (const key of ['emergency', 'urgent', 'routine'] as const) {
    if (source.advice[key] && !text.advice[key]) missing(['advice'], `advice.${key}`);
  }
  return problems;
}

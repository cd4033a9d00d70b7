import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/accounts/types.js';
import { Catalog } from '../../src/content/catalog.js';
import { loadContent } from '../../src/content/load-content.js';
import { formatError } from '../../src/content/yaml-file.js';
import { QuestionnaireTexts } from '../../src/features/screening/localize.js';
import { contentDir } from '../../src/paths.js';
import { CompiledQuestionnaire } from '../../src/screening/questionnaire-engine.js';
import type { Questionnaire, QuestionnaireText } from '../../src/screening/schema.js';

/**
 * Screening contract version 2 (shared docs/screening.md, "Changes in version 2"): the changed questionnaires are
 * version 2; version 1 stays loadable by id and version so a screening stored under it keeps its meaning and texts.
 */
const { content, errors } = await loadContent(contentDir);
const catalog = new Catalog(content);

const CHANGED = [
  'malaria-fever',
  'hypertension-bp',
  'diabetes-risk',
  'cervical-screening',
  'postnatal-danger-signs',
  'newborn-danger-signs',
  'child-danger-signs',
];

describe('questionnaire versions', () => {
  it('loads every archived version without errors', () => {
    expect(errors.filter((e) => e.file.includes('questionnaires')).map(formatError)).toEqual([]);
    expect(content.archivedQuestionnaires.map((q) => `${q.id}@${q.version}`).sort()).toEqual(
      CHANGED.map((id) => `${id}@1`).sort(),
    );
  });

  it('offers only the current version, and finds an earlier one by id and version', () => {
    for (const id of CHANGED) {
      expect(catalog.questionnaire(id)?.source.version, id).toBe(2);
      expect(catalog.currentVersion(id), id).toBe(2);
      expect(catalog.questionnaire(id, 1)?.source.version, id).toBe(1);
      expect(catalog.questionnaire(id, 2), id).toBe(catalog.questionnaire(id));
      expect(catalog.questionnaire(id, 3), id).toBeUndefined();
    }
    expect(new Set(catalog.questionnaireIds()).size).toBe(catalog.questionnaireIds().length);
  });

  it.each([
    [
      'hypertension-bp',
      { systolic: 170, diastolic: 100, pregnant: false, postpartum: false, symptoms: ['chest_pain'] },
      'routine',
      'emergency',
    ],
    [
      'malaria-fever',
      { age_months: 24, fever: true, fever_days: 1, danger_signs: [], rdt_result: 'negative' },
      'routine',
      'urgent',
    ],
    [
      'cervical-screening',
      {
        age_years: 55,
        hiv_status: 'negative',
        last_screen: 'over_5_years',
        negative_twice: false,
        symptoms: [],
      },
      'none',
      'routine',
    ],
  ])('%s: the same answers keep their version-1 meaning under version 1', (id, answers, v1, v2) => {
    const one = catalog.questionnaire(id, 1)?.evaluate(answers);
    const two = catalog.questionnaire(id)?.evaluate(answers);
    expect(one?.ok && one.outcome).toMatchObject({ version: 1, urgency: v1 });
    expect(two?.ok && two.outcome).toMatchObject({ version: 2, urgency: v2 });
  });

  it("shows an old screening with its own version's texts, in her language", () => {
    const v1 = catalog.questionnaire('hypertension-bp', 1)?.source as Questionnaire;
    const v2 = catalog.questionnaire('hypertension-bp')?.source as Questionnaire;
    const symptoms = (q: Questionnaire) => q.questions.find((x) => x.id === 'symptoms');
    const pt1 = new QuestionnaireTexts(v1, catalog, 'pt');
    const pt2 = new QuestionnaireTexts(v2, catalog, 'pt');
    expect(pt1.rule('high')).toBe('Tensão alta (140/90 ou mais).');
    expect(pt1.rule('emergency_symptom')).toBe('emergency_symptom'); // v1 had no such rule
    expect(pt2.rule('emergency_symptom')).toMatch(/AVC/);
    expect(pt2.option(symptoms(v2) as never, 'stroke_signs')).toMatch(/Fraqueza/);
    expect(catalog.questionnaireText('hypertension-bp', 'pt', 1)?.version).toBe(1);
    expect(catalog.questionnaireText('hypertension-bp', 'pt')?.version).toBe(2);
  });
});

/** The texts one accepted test case shows in a language: every one must be that language's own. */
function missingTexts(q: Questionnaire, t: QuestionnaireText, answers: Record<string, unknown>): string[] {
  const compiled = new CompiledQuestionnaire(q);
  const result = compiled.evaluate(answers);
  if (!result.ok) return [];
  const missing: string[] = [];
  for (const question of q.questions) {
    const value = result.answers[question.id];
    if (value === undefined) continue;
    const own = t.questions[question.id];
    if (!own?.text) missing.push(`question ${question.id}`);
    if (question.type === 'choice' || question.type === 'multi') {
      const picked = Array.isArray(value) ? value : [value];
      for (const v of picked) {
        const option = question.options.find((o) => (o.value ?? o.id) === v);
        if (option && !own?.options?.[option.id]) missing.push(`option ${question.id}.${option.id}`);
      }
    }
  }
  const { outcome } = result;
  for (const r of outcome.reasons) if (!t.rules[r]) missing.push(`rule ${r}`);
  for (const n of outcome.notes) if (!t.notes[n]) missing.push(`note ${n}`);
  if (outcome.band && !t.bands[outcome.band]) missing.push(`band ${outcome.band}`);
  if (!t.advice[outcome.urgency]) missing.push(`advice ${outcome.urgency}`);
  return missing;
}

const runs = [
  ...content.questionnaireTexts.map((t) => ({ t, q: catalog.questionnaire(t.id) })),
  ...content.archivedQuestionnaireTexts.map((t) => ({ t, q: catalog.questionnaire(t.id, t.version) })),
].map(({ t, q }) => [`${t.id} v${t.version} ${t.lang}`, t, q?.source] as const);

describe.each(runs)("every test case in each translation's run: %s", (_name, t, q) => {
  it('is of a questionnaire version that exists', () => {
    expect(q?.version).toBe(t.version);
  });
  it.each((q?.tests ?? []).map((c) => [c.name, c] as const))('%s', (_case, c) => {
    expect(missingTexts(q as Questionnaire, t, c.answers)).toEqual([]);
  });
});

describe('content validate, questionnaire versions', () => {
  const rel = (id: string, lang?: Lang) => `questionnaires/${id}${lang ? `.${lang}` : ''}.yaml`;
  const read = (path: string) => readFile(join(contentDir, path), 'utf8');
  const errorsWith = async (overrides: Record<string, string>) =>
    (await loadContent(contentDir, new Map(Object.entries(overrides)))).errors.map(formatError);

  it('fails when a translation lacks a new text (an option, a rule, a question)', async () => {
    const pt = await read(rel('hypertension-bp', 'pt'));
    const sw = await read(rel('diabetes-risk', 'sw'));
    const found = await errorsWith({
      [rel('hypertension-bp', 'pt')]: pt
        .replace(/\n +stroke_signs: .*/, '')
        .replace(/\n +emergency_symptom: .*/, ''),
      [rel('diabetes-risk', 'sw')]: sw.replace(/\n {2}pregnant:\n {4}text: .*/, ''),
    });
    expect(found).toContainEqual(
      expect.stringMatching(/hypertension-bp\.pt\.yaml.*has no text for option symptoms\.stroke_signs/),
    );
    expect(found).toContainEqual(
      expect.stringMatching(/hypertension-bp\.pt\.yaml.*has no text for rule emergency_symptom/),
    );
    expect(found).toContainEqual(
      expect.stringMatching(/diabetes-risk\.sw\.yaml.*has no text for question pregnant/),
    );
  });

  it('fails when a translation was made from an older version than the questionnaire', async () => {
    const pt = await read(rel('malaria-fever', 'pt'));
    const found = await errorsWith({ [rel('malaria-fever', 'pt')]: pt.replace('version: 2', 'version: 1') });
    expect(found).toContainEqual(
      expect.stringMatching(
        /malaria-fever\.pt\.yaml: line \d+: version: is made from version 1 .* the questionnaire is version 2/,
      ),
    );
  });

  it('fails when an archived version is not older than the current one, or names another version', async () => {
    const v1 = await read('questionnaires/archive/child-danger-signs.v1.yaml');
    const found = await errorsWith({
      'questionnaires/archive/child-danger-signs.v1.yaml': v1.replace('version: 1', 'version: 2'),
    });
    expect(found).toContainEqual(
      expect.stringMatching(/archived version 2 is not older than the current version 2/),
    );
    expect(found).toContainEqual(
      expect.stringMatching(/file name must be archive\/child-danger-signs\.v2\.yaml/),
    );
  });

  it('fails when an archived version breaks its own test cases', async () => {
    const v1 = await read('questionnaires/archive/hypertension-bp.v1.yaml');
    const found = await errorsWith({
      'questionnaires/archive/hypertension-bp.v1.yaml': v1.replace(
        'when: "not pregnancy_related and high"',
        'when: "false"',
      ),
    });
    expect(found).toContainEqual(
      expect.stringMatching(/archive\/hypertension-bp\.v1\.yaml.*test case "140\/89, not pregnant: routine"/),
    );
  });
});

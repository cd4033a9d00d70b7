import { beforeAll, describe, expect, it } from 'vitest';
import type { ContentSet } from '../../../src/content/content-set.js';
import { loadContent } from '../../../src/content/load-content.js';
import { clinicalChanges } from '../../../src/content/publishing/classify.js';
import { focus, formatPreview } from '../../../src/content/publishing/format-preview.js';
import { buildPreview } from '../../../src/content/publishing/preview.js';
import type { Preview } from '../../../src/content/publishing/types.js';
import type { TreeChanges } from '../../../src/content/versions/content-tree.js';
import { createTranslations, type Translations } from '../../../src/i18n/i18n.js';
import { contentDir, localesDir } from '../../../src/paths.js';

let live: ContentSet;
let translations: Translations;

beforeAll(async () => {
  const loaded = await loadContent(contentDir);
  expect(loaded.errors).toEqual([]);
  live = loaded.content;
  translations = await createTranslations(localesDir);
});

const noFiles = (): TreeChanges => ({ added: [], changed: [], removed: [] });

/** The live content with an edit made to a copy. */
function edited(edit: (c: ContentSet) => void): ContentSet {
  const next = structuredClone(live);
  edit(next);
  return next;
}

function found<T>(list: T[], match: (x: T) => boolean): T {
  const item = list.find(match);
  if (!item) throw new Error('not in the content');
  return item;
}

const article = (c: ContentSet, id: string, lang: string) =>
  found(c.articles, (a) => a.id === id && a.lang === lang);
const module = (c: ContentSet, id: string, lang: string) =>
  found(c.modules, (m) => m.id === id && m.lang === lang);
const questionnaire = (c: ContentSet, id: string) => found(c.questionnaires, (q) => q.id === id);
const country = (c: ContentSet, code: string) => found(c.countries, (x) => x.code === code);

const preview = (next: ContentSet, files = noFiles()): Preview => buildPreview(live, next, files);

describe('the preview of a content change', () => {
  it('shows nothing for the same content', () => {
    const p = preview(structuredClone(live));
    expect(p).toMatchObject({ items: [], logic: [], tests: [], clinical: [] });
  });

  it("an article's new title: changed, the field named, nothing for a clinician", () => {
    const p = preview(
      edited((c) => {
        article(c, 'tb-signs-and-screening', 'en').title = 'TB signs, and who to screen';
      }),
    );
    expect(p.items).toEqual([
      expect.objectContaining({
        change: 'changed',
        kind: 'article',
        id: 'tb-signs-and-screening',
        lang: 'en',
        title: 'TB signs, and who to screen',
        file: 'library/tb/tb-signs-and-screening.en.yaml',
        fields: ['title'],
      }),
    ]);
    expect(p.clinical).toEqual([]);
  });

  it('a new article: added with its sections counted', () => {
    const p = preview(
      edited((c) => {
        const copy = structuredClone(article(c, 'tb-myths', 'en'));
        copy.id = 'tb-quokka-care';
        copy.title = 'Quokka care for TB clinics';
        copy.sections = copy.sections.slice(0, 2);
        c.articles.push(copy);
      }),
      { added: ['library/tb/tb-quokka-care.en.yml'], changed: [], removed: [] },
    );
    expect(p.items).toEqual([
      {
        change: 'added',
        kind: 'article',
        id: 'tb-quokka-care',
        lang: 'en',
        title: 'Quokka care for TB clinics',
        // The upload named it .yml: the preview names the file it has.
        file: 'library/tb/tb-quokka-care.en.yml',
        counts: { sections: 2 },
        fields: [],
      },
    ]);
    expect(formatPreview(translations.t('en'), p)).toContain(
      '➕ Article (en): Quokka care for TB clinics · 2 sections',
    );
  });

  it('a removed translation: removed, with its live title', () => {
    const title = article(live, 'tb-signs-and-screening', 'sw').title;
    const p = preview(
      edited((c) => {
        c.articles = c.articles.filter((a) => !(a.id === 'tb-signs-and-screening' && a.lang === 'sw'));
      }),
    );
    expect(p.items).toEqual([
      expect.objectContaining({ change: 'removed', kind: 'article', lang: 'sw', title }),
    ]);
    expect(p.items.filter((i) => i.lang !== 'sw')).toEqual([]);
  });

  it('a module with one more step: steps before and after', () => {
    const steps = module(live, 'tb-basics', 'en').steps.length;
    const p = preview(
      edited((c) => {
        module(c, 'tb-basics', 'en').steps.push({
          id: 'recap',
          title: 'Recap',
          body: 'The four signs again.',
        });
      }),
    );
    expect(p.items).toEqual([
      expect.objectContaining({
        change: 'changed',
        kind: 'module',
        counts: expect.objectContaining({ steps: steps + 1 }),
        countsBefore: expect.objectContaining({ steps }),
        fields: [`steps[${steps}]`],
      }),
    ]);
    const text = formatPreview(translations.t('en'), p);
    expect(text).toContain(
      `✏️ Module (en): ${module(live, 'tb-basics', 'en').title} · steps ${steps} → ${steps + 1}`,
    );
    expect(text).toContain("No change here needs a clinician's approval.");
  });

  it("a questionnaire's threshold: the rule before and after, its test cases run, and a clinician needed", () => {
    const rule = (c: ContentSet) =>
      found(questionnaire(c, 'hypertension-bp').rules, (r) => r.id === 'pregnancy_severe_reading');
    const before = rule(live).when;
    expect(before).toContain('systolic >= 160');
    const p = preview(
      edited((c) => {
        rule(c).when = before.replace('systolic >= 160', 'systolic >= 150');
      }),
    );
    expect(p.logic).toEqual([
      {
        questionnaire: 'hypertension-bp',
        place: 'rules.pregnancy_severe_reading.when',
        before,
        after: before.replace('160', '150'),
      },
    ]);
    expect(p.clinical).toEqual([
      { kind: 'questionnaire-logic', id: 'hypertension-bp', detail: 'rules.pregnancy_severe_reading.when' },
    ]);
    // Two of its own cases now read emergency: 159/109 in pregnancy, and 150/95 after birth (now two rules fire).
    const total = questionnaire(live, 'hypertension-bp').tests.length;
    const failed = [
      'v2: postpartum 150/95 with chest pain: emergency (both rules)',
      'pregnant 159/109: urgent',
    ];
    expect(p.tests).toEqual([{ questionnaire: 'hypertension-bp', passed: total - 2, failed }]);
    const text = formatPreview(translations.t('en'), p);
    expect(text).toContain(
      'Questionnaire hypertension-bp: rules.pregnancy_severe_reading.when: `pregnancy_related and (systolic >= 160 or diastolic >= 110)` → `pregnancy_related and (systolic >= 150 or diastolic >= 110)`',
    );
    expect(text).toContain(`❌ hypertension-bp: 2 of ${total} test cases failed: ${failed.join('; ')}`);
    expect(text).toContain(
      "🩺 Needs a clinician's approval before it goes live: questionnaire logic hypertension-bp",
    );
  });

  it("a questionnaire's English wording is not logic: changed, tests pass, no clinician", () => {
    const p = preview(
      edited((c) => {
        const q = questionnaire(c, 'hypertension-bp');
        found(q.questions, (x) => x.id === 'systolic').text = 'The top number of the reading (systolic)?';
        found(q.rules, (r) => r.id === 'high').text = 'High blood pressure: 140/90 or more.';
        q.advice.none = `${q.advice.none} Well done.`;
      }),
    );
    expect(p.items).toEqual([
      expect.objectContaining({ change: 'changed', kind: 'questionnaire', id: 'hypertension-bp' }),
    ]);
    expect(p.logic).toEqual([]);
    expect(p.clinical).toEqual([]);
    const total = questionnaire(live, 'hypertension-bp').tests.length;
    expect(p.tests).toEqual([{ questionnaire: 'hypertension-bp', passed: total, failed: [] }]);
    expect(formatPreview(translations.t('en'), p)).toContain(
      `✅ Test cases passed: hypertension-bp ${total}/${total}`,
    );
  });

  it('re-wrapping a long rule is not a change of logic', () => {
    const p = preview(
      edited((c) => {
        const r = found(questionnaire(c, 'hypertension-bp').rules, (x) => x.id === 'emergency_symptom');
        r.when = r.when.replaceAll(' or ', '\n  or ');
      }),
    );
    expect(p.items).toHaveLength(1);
    expect(p.logic).toEqual([]);
  });

  it('an option, a range and an urgency are logic', () => {
    const p = preview(
      edited((c) => {
        const q = questionnaire(c, 'hypertension-bp');
        const symptoms = found(q.questions, (x) => x.id === 'symptoms');
        if (symptoms.type !== 'multi') throw new Error('symptoms is a multi question');
        symptoms.options = symptoms.options.filter((o) => o.id !== 'confusion');
        const systolic = found(q.questions, (x) => x.id === 'systolic');
        if (systolic.type !== 'number') throw new Error('systolic is a number');
        systolic.max = 280;
        found(q.rules, (r) => r.id === 'high').urgency = 'urgent';
      }),
    );
    expect(p.logic.map((l) => [l.place, l.before, l.after])).toEqual([
      ['questions.systolic.max', '300', '280'],
      [
        'questions.symptoms.options',
        expect.stringContaining('chest_pain, difficult_breathing, confusion, stroke_signs'),
        expect.not.stringContaining('confusion'),
      ],
      ['rules.high.urgency', 'routine', 'urgent'],
    ]);
    expect(p.clinical.map((c) => c.kind)).toEqual(['questionnaire-logic']);
  });

  it('a new version with the old one archived: the version and the archive, the copy not a change of logic', () => {
    const p = preview(
      edited((c) => {
        const q = questionnaire(c, 'phq9');
        c.archivedQuestionnaires.push(structuredClone(q));
        for (const t of c.questionnaireTexts.filter((x) => x.id === 'phq9')) {
          c.archivedQuestionnaireTexts.push(structuredClone(t));
          t.version += 1;
        }
        q.version += 1;
      }),
    );
    const version = questionnaire(live, 'phq9').version;
    expect(p.logic).toEqual([
      { questionnaire: 'phq9', place: 'version', before: String(version), after: String(version + 1) },
    ]);
    expect(p.items.filter((i) => i.change === 'added')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'questionnaire',
          id: 'phq9',
          archived: version,
          file: `questionnaires/archive/phq9.v${version}.yaml`,
        }),
      ]),
    );
    expect(formatPreview(translations.t('en'), p)).toContain(`archived version ${version}`);
  });

  it('an archived version edited: stored screenings would read differently, so a clinician approves', () => {
    const archivedRule = (c: ContentSet) =>
      found(found(c.archivedQuestionnaires, (q) => q.id === 'hypertension-bp').rules, (r) => r.id === 'high');
    const p = preview(
      edited((c) => {
        archivedRule(c).urgency = 'urgent';
      }),
    );
    expect(p.logic).toEqual([
      expect.objectContaining({ questionnaire: 'hypertension-bp', place: 'rules.high.urgency', archived: 1 }),
    ]);
    expect(p.clinical).toEqual([
      { kind: 'questionnaire-logic', id: 'hypertension-bp', detail: 'v1: rules.high.urgency' },
    ]);
    expect(p.tests).toEqual([]);
  });

  it('an added or removed questionnaire needs a clinician', () => {
    const removed = clinicalChanges(
      live,
      edited((c) => {
        c.questionnaires = c.questionnaires.filter((q) => q.id !== 'phq9');
      }),
    );
    expect(removed).toEqual([
      { kind: 'questionnaire-logic', id: 'phq9', detail: `v${questionnaire(live, 'phq9').version} → –` },
    ]);
    const p = preview(
      edited((c) => {
        c.questionnaires.push({ ...structuredClone(questionnaire(c, 'phq9')), id: 'phq9-short', version: 1 });
      }),
    );
    expect(p.clinical).toEqual([{ kind: 'questionnaire-logic', id: 'phq9-short', detail: '– → v1' }]);
    expect(p.tests).toEqual([expect.objectContaining({ questionnaire: 'phq9-short', failed: [] })]);
    // One item line, not every rule of the new questionnaire.
    const text = formatPreview(translations.t('en'), p);
    expect(text).toContain('➕ Questionnaire (en)');
    expect(text).not.toContain('🧮');
  });

  it('a danger sign changed needs a clinician', () => {
    const p = preview(
      edited((c) => {
        const sign = c.dangerSigns[0]?.signs[0];
        if (!sign) throw new Error('no danger sign');
        sign.advice = 'bleeding_now';
      }),
    );
    expect(p.items).toEqual([
      expect.objectContaining({ change: 'changed', kind: 'danger-signs', fields: ['signs[0]'] }),
    ]);
    expect(p.clinical).toEqual([{ kind: 'danger-signs', id: 'danger-signs', detail: 'signs[0]' }]);
    const text = formatPreview(translations.t('en'), p);
    expect(text).toContain('✏️ Danger signs · changed: signs[0]');
    expect(text).toContain("🩺 Needs a clinician's approval before it goes live: danger signs (signs[0])");
  });

  it("a country's emergency number changed needs a clinician; a re-checked source does not", () => {
    const first = country(live, 'KE').numbers[0];
    expect(first).toMatchObject({ number: '999', kind: 'police' });
    const p = preview(
      edited((c) => {
        const n = country(c, 'KE').numbers[0];
        if (n) n.number = '112';
      }),
    );
    expect(p.items).toEqual([
      expect.objectContaining({ change: 'changed', kind: 'country', id: 'KE', title: 'Kenya' }),
    ]);
    expect(p.clinical).toEqual([{ kind: 'emergency-number', id: 'KE', detail: 'police: 999 → 112' }]);

    const rechecked = preview(
      edited((c) => {
        for (const n of country(c, 'KE').numbers) n.checked = '2027-01-15';
      }),
    );
    expect(rechecked.items).toHaveLength(1);
    expect(rechecked.clinical).toEqual([]);
  });

  it('a country removed with its numbers needs a clinician; one without numbers does not', () => {
    const p = preview(
      edited((c) => {
        c.countries = c.countries.filter((x) => x.code !== 'TZ' && x.code !== 'MZ');
      }),
    );
    expect(country(live, 'MZ').numbers).toEqual([]);
    expect(p.items.map((i) => [i.change, i.id])).toEqual([
      ['removed', 'MZ'],
      ['removed', 'TZ'],
    ]);
    expect(p.clinical).toEqual([expect.objectContaining({ kind: 'emergency-number', id: 'TZ' })]);
    expect(p.clinical[0]?.detail).toMatch(/→ –/);
  });

  it('a review record alone: changed (approval edits it), never for a clinician', () => {
    const approved = { status: 'approved' as const, by: 'Dr A. Banda', date: '2027-01-15', checks: [] };
    const p = preview(
      edited((c) => {
        article(c, 'tb-myths', 'en').review = approved;
        questionnaire(c, 'hypertension-bp').review = approved;
        const signs = c.dangerSigns[0];
        if (signs) signs.review = approved;
      }),
    );
    expect(p.items.map((i) => [i.change, i.kind, i.fields])).toEqual([
      ['changed', 'article', ['review']],
      ['changed', 'questionnaire', ['review']],
      ['changed', 'danger-signs', ['review']],
    ]);
    expect(p.logic).toEqual([]);
    expect(p.clinical).toEqual([]);
  });

  it('a file that changed with no item changing is named', () => {
    const p = preview(structuredClone(live), {
      added: [],
      changed: ['modules/tb-basics.en.yaml'],
      removed: [],
    });
    const text = formatPreview(translations.t('en'), p);
    expect(text).toContain('📄 Other files: ~modules/tb-basics.en.yaml');
  });
});

describe('the preview as text', () => {
  /** Many changes at once: every kind of line. */
  const everything = () =>
    edited((c) => {
      article(c, 'tb-signs-and-screening', 'en').title = 'TB signs, and who to screen';
      c.articles = c.articles.filter((a) => !(a.id === 'tb-signs-and-screening' && a.lang === 'sw'));
      module(c, 'tb-basics', 'en').steps.push({ id: 'recap', title: 'Recap', body: 'The four signs again.' });
      const rule = found(
        questionnaire(c, 'hypertension-bp').rules,
        (r) => r.id === 'pregnancy_severe_reading',
      );
      rule.when = rule.when.replace('systolic >= 160', 'systolic >= 150');
      const n = country(c, 'KE').numbers[0];
      if (n) n.number = '112';
      const sign = c.dangerSigns[0]?.signs[0];
      if (sign) sign.advice = 'bleeding_now';
      for (const g of c.glossaries)
        g.review = { status: 'approved', by: 'Dr A. Banda', date: '2027-01-15', checks: [] };
    });

  it('in Portuguese: no raw keys, the counts and the clinician line in words', () => {
    const text = formatPreview(translations.t('pt'), preview(everything()));
    expect(text).not.toContain('preview:');
    expect(text).not.toMatch(/\b(kind|count|counted|clinical)\.[a-z-]+/);
    expect(text).not.toMatch(/_(one|other)\b/);
    expect(text).toContain('📋 O que este envio muda. Adicionados: 0, alterados: 18, removidos: 1.');
    expect(text).toContain('Precisa da aprovação de um clínico');
    expect(text).toContain('passos');
    expect(text).toContain('números de emergência KE (police: 999 → 112)');
  });

  it('every language has every text the preview uses', () => {
    for (const lang of ['en', 'pt', 'sw', 'st', 'ny'] as const) {
      const text = formatPreview(translations.t(lang), preview(everything()));
      expect(text, lang).not.toContain('preview:');
      expect(text, lang).not.toMatch(/\b(kind|count|counted|clinical)\.[a-z-]+/);
    }
  });

  it('keeps to about 25 item lines, then says how many more', () => {
    const p = preview(
      edited((c) => {
        for (const a of c.articles.slice(0, 30)) a.title = `${a.title} (new)`;
      }),
    );
    expect(p.items).toHaveLength(30);
    const text = formatPreview(translations.t('en'), p);
    expect(text.split('\n').filter((l) => l.startsWith('✏️'))).toHaveLength(25);
    expect(text).toContain('… and 5 more.');
  });

  it('shows the part of a long expression that changed', () => {
    const long = `has(symptoms, "stroke_signs") or has(symptoms, "chest_pain") or has(symptoms, "difficult_breathing") or has(symptoms, "confusion")`;
    const [before, after] = focus(long, long.replace('"chest_pain"', '"chest_pain_now"'));
    expect(after).toContain('chest_pain_now');
    expect(before).toContain('"chest_pain"');
    expect((after ?? '').length).toBeLessThan(long.length);
    expect(after?.startsWith('…')).toBe(true);
    expect(focus('a >= 1', 'a >= 2')).toEqual(['a >= 1', 'a >= 2']);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load-content.js';
import { formatError } from '../../src/content/yaml-file.js';
import { contentDir } from '../../src/paths.js';
import { tempDataDir } from '../support/fakes.js';

/*
 * "One story everywhere": a section or a step that states how urgent a sign is names it (`signs`), and `content
 * validate` compares it with the questionnaire's rule; every emergency sign is known to danger detection.
 * A small content folder of its own, so the check is tested apart from the real (changing) questionnaires.
 */

const REVIEW = 'review: { status: draft, by: null, date: null, checks: [] }';
const SOURCES = 'sources: [{ title: "A WHO guideline", publisher: World Health Organization, year: 2022 }]';

const QUESTIONNAIRE = `id: demo-signs
schemaVersion: 1
kind: questionnaire
version: 2
lang: en
topic: newborn-child-health
title: Demo danger signs
intro: For the tests of the sign check.
${SOURCES}
${REVIEW}
questions:
  - { id: pregnant, type: yesno, text: "Pregnant?" }
  - id: signs
    type: multi
    text: "Any of these?"
    options:
      - { id: yellow_first_day, text: "Yellow on the first day" }
      - { id: cord_pus, text: "Pus at the cord" }
      - { id: headache, text: "Severe headache" }
  - { id: cough, type: yesno, text: "Cough?" }
  - { id: coughing_blood, type: yesno, text: "Blood in the cough?", askIf: "cough" }
rules:
  - { id: yellow_first_day, when: 'has(signs, "yellow_first_day")', urgency: emergency, text: "Yellow on day one." }
  - { id: cord_pus, when: 'has(signs, "cord_pus")', urgency: urgent, text: "Cord infection." }
  - { id: headache_pregnant, when: 'pregnant and has(signs, "headache")', urgency: emergency, text: "Headache in pregnancy." }
  - { id: cough, when: "cough", urgency: urgent, text: "Cough." }
  - { id: coughing_blood, when: "coughing_blood", urgency: emergency, text: "Coughing blood." }
advice: { none: "Nothing to do." }
tests:
  - name: not pregnant, nothing
    answers: { pregnant: false, signs: [], cough: false, coughing_blood: true }
    expect: { urgency: none }
  - name: pregnant, nothing
    answers: { pregnant: true, signs: [], cough: false }
    expect: { urgency: none }
  - name: yellow on day one
    answers: { pregnant: false, signs: [yellow_first_day], cough: false }
    expect: { urgency: emergency }
`;

const SAFETY = `schemaVersion: 1
kind: danger-signs
${SOURCES}
${REVIEW}
words:
  yellow: { en: [yellow] }
signs:
  - { id: "demo-signs:yellow_first_day", advice: jaundice, describe: { en: [yellow first day], pt: [yellow first day], sw: [yellow first day], st: [yellow first day], ny: [yellow first day] } }
  - { id: "demo-signs:coughing_blood", advice: coughing_blood, describe: { en: [coughing blood], pt: [coughing blood], sw: [coughing blood], st: [coughing blood], ny: [coughing blood] } }
  - { id: "demo-signs:headache", advice: preeclampsia, describe: { en: [severe headache pregnant], pt: [severe headache pregnant], sw: [severe headache pregnant], st: [severe headache pregnant], ny: [severe headache pregnant] } }
`;

const article = (lang: string, signs: string) => `id: demo-article
schemaVersion: 1
kind: article
lang: ${lang}
topic: newborn-child-health
title: Demo article
summary: For the tests of the sign check.
${SOURCES}
${REVIEW}
sections:
  - id: why
    heading: Why
    body: Because.
  - id: signs
    heading: Signs
    body: A baby yellow on the first day goes to the clinic today.
    signs:
${signs}
`;

const MODULE = (signs: string) => `id: demo-module
schemaVersion: 1
kind: module
lang: en
topic: newborn-child-health
title: Demo module
summary: For the tests of the sign check.
${SOURCES}
${REVIEW}
steps:
${['one', 'two', 'three', 'four']
  .map((id) => `  - { id: ${id}, title: Step ${id}, body: Some text. }`)
  .join('\n')}
  - id: five
    title: Step five
    body: Pus at the cord goes to the clinic within 2 days.
    signs:
${signs}
quiz:
${['a', 'b', 'c', 'd']
  .map(
    (id) =>
      `  - { id: ${id}, question: "Q ${id}?", answer: 1, options: [{ text: Yes, feedback: Right. }, { text: No, feedback: Wrong. }] }`,
  )
  .join('\n')}
`;

const GOOD_ARTICLE_SIGNS = `      - { questionnaire: demo-signs, sign: yellow_first_day, urgency: emergency }
      - { questionnaire: demo-signs, sign: headache, with: { pregnant: true }, urgency: emergency }
      - { questionnaire: demo-signs, sign: coughing_blood, urgency: emergency }`;
const GOOD_MODULE_SIGNS = '      - { questionnaire: demo-signs, sign: cord_pus, urgency: urgent }';

function folder(files: Record<string, string>): string {
  const dir = tempDataDir();
  const all: Record<string, string> = {
    'questionnaires/demo-signs.yaml': QUESTIONNAIRE,
    'safety/danger-signs.yaml': SAFETY,
    'library/newborn-child-health/demo-article.en.yaml': article('en', GOOD_ARTICLE_SIGNS),
    'modules/demo-module.en.yaml': MODULE(GOOD_MODULE_SIGNS),
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const errorsOf = async (files: Record<string, string> = {}) =>
  (await loadContent(folder(files))).errors.map(formatError);

describe('content validate: one story everywhere', () => {
  it('passes when every stated urgency matches its questionnaire', async () => {
    expect(await errorsOf()).toEqual([]);
  });

  it('fails an article that says "within 2 days" for an emergency sign, naming file, place and line', async () => {
    const errors = await errorsOf({
      'library/newborn-child-health/demo-article.en.yaml': article(
        'en',
        '      - { questionnaire: demo-signs, sign: yellow_first_day, urgency: urgent }',
      ),
    });
    expect(errors).toEqual([
      expect.stringMatching(
        /\/library\/newborn-child-health\/demo-article\.en\.yaml: line 18: sections\[1\]\.signs\[0\]\.urgency: says urgent for yellow_first_day, but demo-signs concludes emergency \(rule yellow_first_day\)$/,
      ),
    ]);
  });

  it('fails a module step that says "today" for a sign the questionnaire refers within 2 days', async () => {
    const errors = await errorsOf({
      'modules/demo-module.en.yaml': MODULE(
        '      - { questionnaire: demo-signs, sign: cord_pus, urgency: emergency }',
      ),
    });
    expect(errors).toContainEqual(
      expect.stringMatching(
        /demo-module\.en\.yaml: line \d+: steps\[4\]\.signs\[0\]\.urgency: says emergency for cord_pus, but demo-signs concludes urgent \(rule cord_pus\)/,
      ),
    );
  });

  it('asks for the other answers when the urgency depends on them', async () => {
    const errors = await errorsOf({
      'library/newborn-child-health/demo-article.en.yaml': article(
        'en',
        '      - { questionnaire: demo-signs, sign: headache, urgency: emergency }',
      ),
    });
    expect(errors).toContainEqual(
      expect.stringMatching(
        /sections\[1\]\.signs\[0\]: the urgency of headache in demo-signs depends on the other answers \(none with "not pregnant, nothing", emergency with "pregnant, nothing"\): name them under "with"/,
      ),
    );
  });

  it('a sign "alone" answers no to the follow-up questions it opens, and yes to the one it needs', async () => {
    // The first baseline carries coughing_blood: true (ignored while cough is false): choosing cough alone must
    // not pick it up, and coughing_blood alone opens its question with cough: yes.
    const errors = await errorsOf({
      'library/newborn-child-health/demo-article.en.yaml': article(
        'en',
        '      - { questionnaire: demo-signs, sign: cough, urgency: urgent }\n      - { questionnaire: demo-signs, sign: coughing_blood, urgency: emergency }',
      ),
    });
    expect(errors).toEqual([]);
  });

  it('names a sign or a questionnaire that does not exist', async () => {
    const errors = await errorsOf({
      'library/newborn-child-health/demo-article.en.yaml': article(
        'en',
        '      - { questionnaire: demo-signs, sign: yellow_day_one, urgency: emergency }\n      - { questionnaire: no-such, sign: cord_pus, urgency: urgent }',
      ),
    });
    expect(errors).toEqual([
      expect.stringMatching(
        /line 18: sections\[1\]\.signs\[0\]\.sign: "yellow_day_one" is not an option of the questionnaire demo-signs$/,
      ),
      expect.stringMatching(
        /line 19: sections\[1\]\.signs\[1\]\.questionnaire: names the questionnaire "no-such", which does not exist$/,
      ),
    ]);
    const unnamed = await errorsOf({
      'library/newborn-child-health/demo-article.en.yaml': article(
        'en',
        '      - { questionnaire: demo-signs, urgency: urgent }',
      ),
    });
    expect(unnamed).toEqual([expect.stringMatching(/line 18: sections\[1\]\.signs\[0\]: name the sign/)]);
  });

  it('refuses answers under "with" that no baseline asks', async () => {
    const errors = await errorsOf({
      'library/newborn-child-health/demo-article.en.yaml': article(
        'en',
        '      - { questionnaire: demo-signs, with: { cough: false, coughing_blood: true }, urgency: emergency }',
      ),
    });
    expect(errors).toContainEqual(expect.stringMatching(/coughing_blood not asked/));
  });

  it('fails when danger detection does not know an emergency sign, at the questionnaire option', async () => {
    const errors = await errorsOf({
      'safety/danger-signs.yaml': SAFETY.replace(/ {2}- \{ id: "demo-signs:yellow_first_day".*\n/, ''),
    });
    expect(errors).toEqual([
      expect.stringMatching(
        /\/questionnaires\/demo-signs\.yaml: line 17: questions\[1\]\.options\[0\]: "yellow_first_day" is an emergency sign but danger detection does not know it/,
      ),
    ]);
  });

  it('a sign that is an emergency only in some situations (pregnant) still needs danger detection', async () => {
    const errors = await errorsOf({
      'safety/danger-signs.yaml': SAFETY.replace('id: "demo-signs:headache"', 'id: "headache"'),
    });
    expect(errors).toContainEqual(expect.stringMatching(/options\[2\]: "headache" is an emergency sign/));
  });

  it('fails a danger sign that names no option of its questionnaire', async () => {
    const errors = await errorsOf({
      'safety/danger-signs.yaml': SAFETY.replace(
        'id: "demo-signs:coughing_blood"',
        'id: "demo-signs:coughs_blood"',
      ),
    });
    expect(errors).toContainEqual(
      expect.stringMatching(
        /danger-signs\.yaml: line \d+: signs\[1\]\.id: "coughs_blood" is not an option \(nor a question\) of the questionnaire demo-signs/,
      ),
    );
  });

  it('a translation inherits the English notes; notes that differ from the English fail', async () => {
    const same = await errorsOf({
      'library/newborn-child-health/demo-article.pt.yaml': article('pt', '      []').replace(
        '    signs:\n      []\n',
        '',
      ),
    });
    expect(same).toEqual([]);
    const different = await errorsOf({
      'library/newborn-child-health/demo-article.pt.yaml': article(
        'pt',
        '      - { questionnaire: demo-signs, sign: yellow_first_day, urgency: emergency }',
      ),
    });
    expect(different).toEqual([
      expect.stringMatching(
        /demo-article\.pt\.yaml: line \d+: sections\[1\]\.signs: differ from the signs of the English section/,
      ),
    ]);
  });
});

describe('the real content tells one story', () => {
  it('names every disagreement issue 10 found, so the check keeps them fixed', async () => {
    const { content, errors } = await loadContent(contentDir);
    expect(errors.map(formatError)).toEqual([]);
    const notes = [
      ...content.articles.flatMap((a) => a.sections.flatMap((s) => s.signs ?? [])),
      ...content.modules.flatMap((m) => m.steps.flatMap((s) => s.signs ?? [])),
    ].map((n) => `${n.questionnaire}/${n.sign ?? JSON.stringify(n.with)}=${n.urgency}`);
    for (const expected of [
      'postnatal-danger-signs/severe_abdominal_pain=emergency',
      'newborn-danger-signs/yellow_first_day=emergency',
      'hypertension-bp/stroke_signs=emergency',
      'hypertension-bp/chest_pain=emergency',
      'cervical-screening/heavy_bleeding=emergency',
      'postnatal-danger-signs/confused_or_strange_behaviour=emergency',
      'child-danger-signs/fast_breathing=emergency',
    ]) {
      expect(notes).toContain(expected);
    }
    expect(
      notes.some(
        (n) => n.startsWith('diabetes-risk/') && n.includes('"pregnant":true') && n.endsWith('=urgent'),
      ),
    ).toBe(true);
  });
});

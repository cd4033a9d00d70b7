import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/accounts/types.js';
import { Catalog } from '../../src/content/catalog.js';
import { loadContent } from '../../src/content/load-content.js';
import type { DangerDetector } from '../../src/search/danger/detector.js';
import { dangerDetectorOf } from '../../src/search/danger/index.js';
import { readingsOf } from '../../src/search/danger/readings.js';
import { clausesOf } from '../../src/search/danger/tokens.js';
import { CONTRACT_SIGN_IDS, DANGER_LANGS, loadDangerSet } from '../danger/danger-set.js';

/**
 * Danger detection (issue 10, item 2): negation, history and learning questions on hand-written cases (none of them
 * from the evaluation set), the readings with digits, and floors on the development split only.
 */
let detector: DangerDetector;
let catalog: Catalog;
beforeAll(async () => {
  const { content, errors } = await loadContent(join(import.meta.dirname, '..', '..', 'content'));
  expect(errors).toEqual([]);
  catalog = new Catalog(content);
  detector = dangerDetectorOf(catalog);
});

const sign = (q: string) => detector.detect(q)?.sign ?? null;

describe('danger detection: negation', () => {
  it.each([
    ['en', 'no bleeding at all and no headache, she only wants to know about family planning'],
    ['en', 'she is not bleeding, the baby kicks well'],
    ['pt', 'não tem febre nem sangramento, só quer saber da consulta'],
    ['sw', 'hakuna damu wala maumivu ya tumbo, anauliza kuhusu chanjo'],
    ['st', 'ha a tswe madi, o batla ho tseba ka thibelo'],
    ['ny', 'palibe magazi, akufunsa za katemera'],
  ])('a sign said not to be there is not danger (%s: %s)', (_lang, q) => {
    expect(sign(q)).toBeNull();
  });

  it.each([
    [
      'en',
      'the little one will not breastfeed since this morning, 10 days old',
      'newborn-danger-signs:not_feeding_well',
    ],
    ['pt', 'a menina de 2 anos não consegue beber nada', 'child-danger-signs:unable_to_drink_or_breastfeed'],
    [
      'sw',
      'mjamzito wa miezi 7 anasema mtoto hachezi tena tumboni',
      'pregnancy-danger-signs:reduced_fetal_movements',
    ],
    ['ny', 'mwana wanga sangathe kumwa kalikonse', 'child-danger-signs:unable_to_drink_or_breastfeed'],
  ])('a sign that is itself a "not" is danger (%s: %s)', (_lang, q, want) => {
    expect(sign(q)).toBe(want);
  });
});

describe('danger detection: history, learning and general questions', () => {
  it.each([
    'two years ago she had fits in pregnancy, today she is well',
    'ele tossia sangue o ano passado, fez o tratamento e já está bem',
    'alikuwa na degedege mwaka jana, sasa yuko sawa kabisa',
  ])('a sign that is over is not danger: %s', (q) => {
    expect(sign(q)).toBeNull();
  });

  it.each([
    'why do pregnant women get swollen faces?',
    'quais são os sinais de perigo num recém-nascido?',
    'kwa nini mtoto mchanga hupata manjano?',
  ])('a question about signs in general is not danger: %s', (q) => {
    expect(sign(q)).toBeNull();
  });

  it('a question that names a person is danger even when it asks what to do', () => {
    expect(sign('what should I do? my client is pregnant and her face and hands swelled up today')).toBe(
      'pregnancy-danger-signs:swelling_face_hands',
    );
  });
});

describe('danger detection: readings with digits', () => {
  const concepts = (q: string) => [...readingsOf(clausesOf(q)).concepts].sort();
  it('reads an age, a temperature, breaths for the age, a blood pressure, MUAC and glucose', () => {
    expect(concepts('baby 3 weeks old, temp 38.2')).toEqual(['baby', 'fever_reading', 'newborn']);
    expect(concepts('mtoto wa miezi 10 anapumua 52 kwa dakika')).toEqual(['child', 'fast_breathing_reading']);
    expect(concepts('child of 2 years, 38 breaths per minute')).toEqual(['child']);
    expect(concepts('BP 165/95 at 30 weeks')).toEqual(['bp_high', 'bp_severe_pregnancy', 'pregnant']);
    expect(concepts('muac 108 mm')).toEqual(['muac_severe']);
    expect(concepts('sugar 2.4 this morning')).toEqual(['glucose_low']);
    expect(concepts('she delivered 3 days ago')).toEqual([]);
  });

  it('a very high reading in pregnancy is danger; a normal one is not', () => {
    expect(sign('my client at 33 weeks has BP 168/112')).toBe('severe_bp_pregnancy');
    expect(sign('my client at 33 weeks has BP 118/72 and feels fine')).toBeNull();
  });
});

describe('danger detection: the data', () => {
  it('describes every emergency sign of the screening contract', () => {
    const known = new Set(
      catalog.content.dangerSigns.flatMap((f) => f.signs.flatMap((s) => [s.id, ...s.also])),
    );
    for (const id of CONTRACT_SIGN_IDS) expect(known.has(id), id).toBe(true);
  });

  it('has the urgent message of every advice group in all five languages', async () => {
    const advice = new Set(catalog.content.dangerSigns.flatMap((f) => f.signs.map((s) => s.advice)));
    for (const lang of LANGUAGES) {
      const { default: t } = await import(`../../locales/${lang}/translation.json`, {
        with: { type: 'json' },
      });
      for (const a of [...advice, 'then'])
        expect(t.search.danger[a], `${lang}: search.danger.${a}`).toBeTruthy();
      expect(t.search.screenOffer, lang).toContain('{{title}}');
      expect(t.search.urgent, lang).not.toMatch(/ambulance|ambulância|gari la wagonjwa|ambulense|ambulansi/i);
    }
  });

  it('every description names something wrong, not only who or when', () => {
    // A description of context words alone ("pregnant woman") would flag every question about her.
    const context = new Set([
      'pregnant',
      'postpartum',
      'newborn',
      'child',
      'baby',
      'bp',
      'diabetes',
      'malaria',
      'tb',
    ]);
    for (const file of catalog.content.dangerSigns) {
      for (const entry of file.signs) {
        for (const list of Object.values(entry.describe)) {
          for (const d of list) {
            const reading = detector.read(d.replace(/\$[a-z_]+/g, ''));
            const needs = [...reading.positive, ...reading.negative].filter((c) => !context.has(c));
            const direct = /\$[a-z_]+/.test(d);
            expect(needs.length > 0 || direct, `${entry.id}: "${d}"`).toBe(true);
          }
        }
      }
    }
  });

  it('costs well under a millisecond per question on the synchronous path', () => {
    const q = 'mama aliyejifungua wiki iliyopita ana homa kali na hawezi kusimama, nifanye nini?';
    detector.detect(q);
    const t = performance.now();
    for (let i = 0; i < 200; i++) detector.detect(q);
    expect((performance.now() - t) / 200).toBeLessThan(1);
  });
});

describe('danger detection on the development split (floors; the held-out split is only measured by the bench)', () => {
  const { items } = loadDangerSet('dev');
  it.each(DANGER_LANGS)('%s: recall and false alarms', (lang) => {
    const mine = items.filter((i) => i.lang === lang);
    const danger = mine.filter((i) => i.danger);
    const ordinary = mine.filter((i) => !i.danger);
    const recall = danger.filter((i) => detector.detect(i.q)).length / danger.length;
    const alarms = ordinary.filter((i) => detector.detect(i.q)).length / ordinary.length;
    const floor = lang === 'st' || lang === 'ny' ? 0.8 : 0.95;
    expect(recall, `${lang} recall`).toBeGreaterThanOrEqual(floor);
    expect(alarms, `${lang} false alarms`).toBeLessThanOrEqual(0.1);
  });
});

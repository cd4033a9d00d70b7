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

describe('danger detection: ways of speaking (hand-written, none from the evaluation splits)', () => {
  it.each([
    ['en', 'no cough, no fast breathing, only a blocked nose'],
    ['en', 'her temperature is 36.9 and the little one is feeding well'],
    ['pt', 'sem dor no peito e sem febre, só quer saber das vacinas'],
    ['pt', 'se uma mãe tiver febre depois do parto, para onde vai?'],
    ['en', 'if a pregnant woman starts bleeding, what should she do?'],
    ['sw', 'mama akitokwa na damu nyingi baada ya kujifungua afanye nini?'],
    ['st', 'Ha mosadi ya imileng a opelwa ke hlooho haholo, a etse eng?'],
    ['ny', 'Ngati mayi woyembekezera ali ndi malungo, apite kuti?'],
    ['en', 'she had fits as a child, now she is 30 weeks and well'],
    ['en', 'his leg was swollen after the operation but it has gone now'],
    ['en', 'what does a blood sugar of 4.1 mean?'],
    ['en', 'is it true that rubbing oil on a newborn cures yellow skin?'],
    ['en', 'my client is 29 weeks and the baby moves a lot, especially at night'],
    ['pt', 'a grávida de 6 meses vomita de manhã mas come bem'],
  ])('not danger: a negation run, a normal reading, a hypothetical, history, a myth (%s: %s)', (_lang, q) => {
    expect(sign(q)).toBeNull();
  });

  it.each([
    ['en', "my sister's baby, born 6 days ago, has a temp of 38.3", 'newborn-danger-signs:fever'],
    [
      'en',
      "she's 30 weeks and hasn't felt the baby move since last night",
      'pregnancy-danger-signs:reduced_fetal_movements',
    ],
    [
      'en',
      'my client at 33 weeks has clear fluid trickling down her legs since morning',
      'pregnancy-danger-signs:water_broke_early',
    ],
    [
      'sw',
      'mteja wangu ana mimba ya miezi 7 na maji yanavuja tangu asubuhi',
      'pregnancy-danger-signs:water_broke_early',
    ],
    ['en', "my aunt suddenly can't speak and her right arm is weak", 'hypertension-bp:stroke_signs'],
    ['pt', 'o meu avô de repente não consegue falar', 'hypertension-bp:stroke_signs'],
    [
      'en',
      'the boy of 3 had jerking of his arms and his eyes rolled back',
      'pregnancy-danger-signs:convulsions',
    ],
    [
      'en',
      'delivered last week and she is soaking a pad every half hour',
      'postnatal-danger-signs:heavy_bleeding',
    ],
    [
      'en',
      'my neighbour has a pounding headache and she is 32 weeks pregnant',
      'pregnancy-danger-signs:severe_headache',
    ],
    ['en', 'my client on insulin has low sugar and is shaking', 'low_blood_sugar'],
    [
      'pt',
      'a minha vizinha diz que a família estaria melhor sem ela e não quer viver',
      'postnatal-danger-signs:thoughts_of_self_harm',
    ],
    [
      'en',
      'her 2 year old is drinking nothing and throws up even sips of water',
      'child-danger-signs:vomits_everything',
    ],
  ])('danger in everyday words (%s: %s)', (_lang, q, want) => {
    expect(sign(q)).toBe(want);
  });

  it.each([
    // Hand-written for the constructions generalised from the third development split (none copied from it).
    [
      'en',
      'my neighbour is 6 months, her head is paining seriously since morning',
      'pregnancy-danger-signs:severe_headache',
    ],
    ['en', 'the mouth of my father has turned to one side since lunch', 'hypertension-bp:stroke_signs'],
    [
      'en',
      'my friend told me she wants to take poison, she is tired of living',
      'postnatal-danger-signs:thoughts_of_self_harm',
    ],
    ['en', 'the 3 weeks baby is grunting when he breathes', 'pregnancy-danger-signs:difficult_breathing'],
    [
      'en',
      'my client with malaria vomits all the food, nothing stays down',
      'child-danger-signs:vomits_everything',
    ],
    [
      'en',
      'the girl of 2 years is only sleeping since lunch and is very weak',
      'child-danger-signs:lethargic_or_unconscious',
    ],
    ['sw', 'mjmzt wa wiki 32 anableed tangu jana', 'pregnancy-danger-signs:vaginal_bleeding'],
    [
      'sw',
      'mama wa wiki 36 anasema mtt hachezi tumboni tangu jana',
      'pregnancy-danger-signs:reduced_fetal_movements',
    ],
    [
      'sw',
      'mjamzito wa miezi 7 hajasikia mtoto akicheza leo',
      'pregnancy-danger-signs:reduced_fetal_movements',
    ],
    ['sw', 'mtt wa miezi 10 akipumua chini ya mbavu kinabonyea', 'child-danger-signs:chest_indrawing'],
    ['sw', 'mteja wangu ana chango kali sna na ana mimba', 'pregnancy-danger-signs:severe_abdominal_pain'],
    [
      'sw',
      "mtoto wa miaka 3 alianguka akirusha miguu na kung'ata meno",
      'pregnancy-danger-signs:convulsions',
    ],
    [
      'sw',
      'mama aliyejifungua juzi anaongea maneno hayaeleweki',
      'postnatal-danger-signs:confused_or_strange_behaviour',
    ],
    ['pt', 'grávida de 7 meses diz que a vista está a escurecer', 'pregnancy-danger-signs:blurred_vision'],
    [
      'pt',
      'a cliente que pariu há 2 semanas diz que se vai atirar ao rio',
      'postnatal-danger-signs:thoughts_of_self_harm',
    ],
    ['st', 'Moimana wa dibeke tse 33 metsi a mo tswa', 'pregnancy-danger-signs:water_broke_early'],
  ])('danger in generalised constructions (%s: %s)', (_lang, q, want) => {
    expect(sign(q)).toBe(want);
  });

  it.each([
    ['en', 'why do some children bleed from the nose in the dry season?'],
    ['en', 'what is the normal temperature of a baby, from which number is it a fever?'],
    ['en', 'what first aid if somebody has fits at the market?'],
    ['en', 'the baby of 4 months is still breastfeeding well, can i give porridge?'],
    ['pt', 'se a gravida tiver febre, o que a mentora deve fazer?'],
    ['sw', 'mjamzito akiona damu kidogo tumshauri nini?'],
    ['sw', 'ni kweli kwamba degedege husababishwa na mashetani?'],
    ['sw', 'mawazo ya kujiua yanaweza kuzuiwa vipi?'],
  ])('a learning, general or ordinary question is not danger (%s: %s)', (_lang, q) => {
    expect(sign(q)).toBeNull();
  });

  it('reads Portuguese "no" as "in the", not as a negation', () => {
    expect(sign('a minha cliente teve o bebé há 5 dias e tem uma dor forte no peito')).toBe(
      'postnatal-danger-signs:chest_pain',
    );
  });

  it('reads "not" once: a form that carries its own negation is not negated again', () => {
    expect(detector.read('she already does not know where she is').positive.has('confused')).toBe(true);
  });

  it('offers the questionnaire of the person the question is about, for a sign several questionnaires share', () => {
    const questionnaire = (q: string) => detector.detect(q)?.questionnaire ?? null;
    expect(questionnaire('my client is 7 months pregnant and she is having fits')).toBe(
      'pregnancy-danger-signs',
    );
    expect(questionnaire('the newborn of my client had fits this morning')).toBe('newborn-danger-signs');
    expect(questionnaire('mtoto wa mteja wangu ana degedege')).toBe('child-danger-signs');
    expect(questionnaire('a criança da minha cliente está com convulsões')).toBe('child-danger-signs');
  });

  it('a resolved clause before the sign is about someone else', () => {
    expect(sign('client 1 is now fine. client 2 is pregnant and bleeding heavily')).toBe(
      'pregnancy-danger-signs:vaginal_bleeding',
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
    expect(concepts('the baby born 12 days ago')).toEqual(['baby', 'newborn']);
    expect(concepts('gravida de 6 meses')).toEqual(['pregnant']);
    expect(concepts('muac 11.0 cm')).toEqual(['muac_severe']);
    // A woman word before months or weeks: her pregnancy (the age is kept: "she" may be a baby girl).
    expect(concepts('she is 7 months')).toEqual(['child', 'pregnant']);
    expect(concepts('mama wa wiki 36')).toEqual(['pregnant']);
    expect(concepts('mjamzito wa miezi 6')).toEqual(['pregnant']);
    expect(concepts('o na le dibeke tse 30')).toEqual(['pregnant']);
    expect(concepts('ngwana wa dikgwedi tse 15')).toEqual(['child']);
    expect(concepts('BP 170 over 112 today')).toEqual(['bp_high', 'bp_severe_pregnancy', 'bp_very_high']);
    expect(readingsOf(clausesOf('temp 36.8')).normalTemp).toBe(true);
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

describe('danger detection on the development splits (floors; the held-out split is only measured by the bench)', () => {
  const items = [...loadDangerSet('dev').items, ...loadDangerSet('dev2').items];
  const dev3 = loadDangerSet('dev3').items;
  it.each(DANGER_LANGS)('%s: recall and false alarms on dev3', (lang) => {
    const mine = dev3.filter((i) => i.lang === lang);
    const danger = mine.filter((i) => i.danger);
    const ordinary = mine.filter((i) => !i.danger);
    const recall = danger.filter((i) => detector.detect(i.q)).length / danger.length;
    const alarms = ordinary.filter((i) => detector.detect(i.q)).length / ordinary.length;
    const floor = lang === 'st' || lang === 'ny' ? 0.8 : 0.95;
    expect(recall, `${lang} recall`).toBeGreaterThanOrEqual(floor);
    expect(alarms, `${lang} false alarms`).toBeLessThanOrEqual(0.1);
  });
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

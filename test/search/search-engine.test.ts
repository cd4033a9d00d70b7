import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { Catalog } from '../../src/content/catalog.js';
import type { SearchPort } from '../../src/core/ports.js';
import type { Embedder } from '../../src/search/embedder.js';
import { createWorkerEmbedder } from '../../src/search/model/worker-embedder.js';
import { SearchEngine } from '../../src/search/search-engine.js';
import { UrgentDetector } from '../../src/search/urgent.js';
import { makeTestApp, tempDataDir, testCacheDir } from '../support/fakes.js';

let app: App;
let engine: SearchPort;

beforeAll(async () => {
  app = await makeTestApp();
  engine = app.services.search;
  await engine.ready();
});
afterAll(() => app.close());

describe('search', () => {
  it('finds the right topic for plain questions in English, Portuguese and Swahili', async () => {
    const cases = [
      { q: 'how does TB spread?', lang: 'en', topics: ['tb'] },
      { q: 'quando se faz o teste de HIV ao bebé?', lang: 'pt', topics: ['pmtct', 'hiv'] },
      { q: 'dalili za shinikizo la damu la juu ni zipi', lang: 'sw', topics: ['hypertension'] },
    ] as const;
    for (const c of cases) {
      const result = await engine.search(c.q, c.lang);
      expect(result.confident, c.q).toBe(true);
      expect(c.topics, c.q).toContain(result.hits[0]?.passage.topic);
    }
  });

  it('answers from her language when the passage exists in it, else in English', async () => {
    const sw = await engine.search('kifua kikuu kinaambukizwa vipi', 'sw');
    expect(sw.hits[0]?.passage.lang).toBe('sw');
    const fallback = await engine.search('ORS na zinc kwa mtoto anayeharisha', 'sw');
    expect(fallback.hits[0]?.passage).toMatchObject({ lang: 'en', topic: 'newborn-child-health' });
  });

  it('uses the glossary: a Swahili health word finds the English passage', async () => {
    const keywordOnly = await engine.search('kifua kikuu', 'st', { mode: 'keyword' });
    expect(keywordOnly.hits[0]?.passage.topic).toBe('tb');
  });

  it('gives a sensible answer to bad input: empty, 5,000 characters, emoji only, a language we do not have', async () => {
    const empty = await engine.search('', 'en');
    expect(empty).toMatchObject({ confident: false, urgent: false });
    const long = await engine.search(`${'my client has a cough and night sweats. '.repeat(125)}`, 'en');
    expect(long.query.length).toBeLessThanOrEqual(1000);
    expect(long.hits[0]?.passage.topic).toBe('tb');
    const emoji = await engine.search('😀😀😀 🙏', 'en');
    expect(emoji.confident).toBe(false);
    const french = await engine.search("quelle est la capitale de l'Allemagne ?", 'en');
    expect(french.confident).toBe(false);
  });

  it('refuses off-topic questions honestly', async () => {
    for (const q of ['how do I fix my phone screen', 'mji mkuu wa Kenya ni upi?']) {
      expect((await engine.search(q, q.startsWith('mji') ? 'sw' : 'en')).confident, q).toBe(false);
    }
  });

  it('runs in each mode and returns at most k hits, best first', async () => {
    for (const mode of ['hybrid', 'semantic', 'keyword'] as const) {
      const result = await engine.search('signs of malaria in children', 'en', { mode, k: 3 });
      expect(result.hits.length).toBe(3);
      expect(result.hits[0]?.passage.topic).toBe('malaria');
      const scores = result.hits.map((h) => h.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    }
  });
});

describe('urgent questions', () => {
  const urgent = [
    ['my client is bleeding heavily after birth', 'en'],
    ['the baby is having convulsions', 'en'],
    ['she says she wants to kill herself', 'en'],
    ['o bebé está com convulsões e febre', 'pt'],
    ['ela tem sangramento forte', 'pt'],
    ['mtoto ana degedege', 'sw'],
    ['anataka kujiua', 'sw'],
    ['ngoana o na le sethoathoa', 'st'],
    ['mwana akugwa khunyu', 'ny'],
  ];
  const calm = [
    ['how does TB spread?', 'en'],
    ['when should a pregnant woman start antenatal care', 'en'],
    ['what is a normal blood pressure', 'en'],
    ['como tomar os comprimidos de TARV', 'pt'],
    ['viral load inapimwa mara ngapi', 'sw'],
  ];
  it.each(urgent)('"%s" (%s) describes danger', async (q) => {
    expect((await engine.search(q as string, 'en', { k: 1 })).urgent).toBe(true);
  });
  it.each(calm)('"%s" (%s) does not', async (q) => {
    expect((await engine.search(q as string, 'en', { k: 1 })).urgent).toBe(false);
  });
  it('matches word beginnings but not inside words', () => {
    const detector = new UrgentDetector({ en: ['convuls', 'fitting'] });
    expect(detector.isUrgent('she is convulsing')).toBe(true);
    expect(detector.isUrgent('the dress is not fitting well')).toBe(true);
    expect(detector.isUrgent('benefitting from ART')).toBe(false);
  });
});

describe('the vector cache', () => {
  it('embeds nothing on a restart and only changed passages after an edit', async () => {
    // The model in a worker thread, as the bot runs it: onnxruntime on this test's own thread as well made the
    // process abort now and then at exit under load ("terminate called after throwing an instance of Napi::Error").
    const real = await createWorkerEmbedder({ cacheDir: testCacheDir() });
    let embedded = 0;
    const counting: Embedder = {
      modelId: real.modelId,
      dimensions: real.dimensions,
      embed: async (texts) => {
        embedded += texts.length;
        return real.embed(texts);
      },
      close: () => real.close(),
    };
    const cacheDir = tempDataDir();
    // The TB articles only, to keep the test quick.
    const all = app.services.catalog.content;
    const catalog = new Catalog({
      ...all,
      articles: all.articles.filter((a) => a.topic === 'tb'),
      modules: [],
    });
    // The passage vectors as a version's index gets them: from the cache, embedding only what it lacks.
    const build = (c: Catalog) =>
      SearchEngine.passageVectors({
        embedder: counting,
        cacheDir,
        passages: SearchEngine.keywordOnly({ catalog: c }).passages,
      });
    await build(catalog);
    const first = embedded;
    expect(first).toBeGreaterThan(10);
    await build(catalog);
    expect(embedded).toBe(first);
    const article = catalog.content.articles[0];
    const section = article?.sections[0];
    if (!article || !section) throw new Error('no content');
    const editedArticle = {
      ...article,
      sections: [{ ...section, body: `${section.body} Edited.` }, ...article.sections.slice(1)],
    };
    const edited = new Catalog({
      ...catalog.content,
      articles: [editedArticle, ...catalog.content.articles.slice(1)],
    });
    await build(edited);
    expect(embedded).toBe(first + 1);
    await real.close();
  }, 60_000);
});

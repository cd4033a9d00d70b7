import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Lang } from '../../src/accounts/types.js';
import { Catalog } from '../../src/content/catalog.js';
import { loadContent } from '../../src/content/load-content.js';
import { contentDir, projectRoot } from '../../src/paths.js';
import { GlossaryExpander } from '../../src/search/glossary-expansion.js';
import { KeywordIndex } from '../../src/search/keyword-index.js';
import { type Passage, passagesOf, passageText } from '../../src/search/passages.js';
import { keywordTerms } from '../../src/search/text.js';

let passages: Passage[];
let expander: GlossaryExpander;
beforeAll(async () => {
  const { content } = await loadContent(contentDir);
  const catalog = new Catalog(content);
  passages = passagesOf(catalog);
  expander = new GlossaryExpander(catalog.glossary);
});

/** The MiniSearch set-up this index replaced: its scores are the reference. */
function miniSearch(ps: Passage[]) {
  const search = new MiniSearch<{ id: number; text: string; title: string; lang: Lang }>({
    fields: ['title', 'text'],
    storeFields: ['lang'],
    tokenize: (text) => keywordTerms(text),
    processTerm: (term) => term,
    searchOptions: { boost: { title: 2 }, prefix: (term) => term.length >= 5 },
  });
  search.addAll(
    ps.map((p, id) => ({ id, text: passageText(p), title: `${p.itemTitle} ${p.heading}`, lang: p.lang })),
  );
  return (text: string, langs: Lang[], limit: number) =>
    search
      .search(text, { filter: (r) => langs.includes(r.lang as Lang) })
      .slice(0, limit)
      .map((r) => ({ index: r.id as number, score: r.score }));
}

const questions = (): { q: string; lang: Lang }[] =>
  (
    parse(readFileSync(join(projectRoot, 'test', 'search', 'eval-questions.yaml'), 'utf8')) as {
      questions: { q: string; lang: Lang }[];
    }
  ).questions;

describe('the keyword index', () => {
  it('scores every evaluation question as MiniSearch did (BM25+, title boost, prefixes, repeated words)', async () => {
    const reference = miniSearch(passages);
    const index = KeywordIndex.of(passages);
    const built = await KeywordIndex.build(passages);
    for (const { q, lang } of [
      ...questions(),
      { q: 'malaria malaria children breastfeed', lang: 'en' as Lang },
    ]) {
      const text = [q, ...expander.expansion(q, lang)].join(' ');
      const langs: Lang[] = lang === 'en' ? ['en'] : [lang, 'en'];
      const expected = reference(text, langs, 60);
      const got = index.query(text, langs, 60);
      expect(built.query(text, langs, 60)).toEqual(got);
      expect(got.length, q).toBe(expected.length);
      got.forEach((r, i) => {
        const e = expected[i] as { index: number; score: number };
        expect(r.score, q).toBeCloseTo(e.score, 9);
        // Equal scores may come in another order.
        if (r.index !== e.index) expect(r.score).toBeCloseTo(e.score, 9);
      });
    }
  });

  it('keeps to the languages asked, the limit, and answers nothing to nothing', () => {
    const index = KeywordIndex.of(passages);
    const hits = index.query('kifua kikuu tuberculosis', ['sw'], 5);
    expect(hits.length).toBe(5);
    for (const h of hits) expect(passages[h.index]?.lang).toBe('sw');
    expect(index.query('', ['en'], 5)).toEqual([]);
    expect(index.query('the and of', ['en'], 5)).toEqual([]);
    expect(index.query('zzzzqqq', ['en'], 5)).toEqual([]);
    expect(index.query('malaria', ['en'], 0)).toEqual([]);
    // The scratch arrays are reset between questions.
    expect(index.query('malaria', ['en'], 3)).toEqual(index.query('malaria', ['en'], 3));
    expect(KeywordIndex.of([]).query('malaria', ['en'], 3)).toEqual([]);
  });
});

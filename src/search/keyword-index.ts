import MiniSearch from 'minisearch';
import type { Lang } from '../accounts/types.js';
import { type Passage, passageText } from './passages.js';
import { keywordTerms } from './text.js';

export interface Ranked {
  index: number;
  score: number;
}

/** BM25 keyword search (MiniSearch's BM25+) over the passages, with light prefix matching for word endings. */
export class KeywordIndex {
  private readonly search: MiniSearch<{ id: number; text: string; title: string; lang: Lang }>;

  private constructor(private readonly passages: Passage[]) {
    this.search = new MiniSearch({
      fields: ['title', 'text'],
      storeFields: ['lang'],
      tokenize: (text) => keywordTerms(text),
      processTerm: (term) => term,
      searchOptions: {
        boost: { title: 2 },
        prefix: (term) => term.length >= 5,
      },
    });
  }

  /** Built in one go (before the bot serves: fastest). */
  static of(passages: Passage[]): KeywordIndex {
    const index = new KeywordIndex(passages);
    index.search.addAll(index.documents());
    return index;
  }

  /** Built in slices that yield to the event loop (while the bot serves, e.g. a content replacement). */
  static async build(passages: Passage[]): Promise<KeywordIndex> {
    const index = new KeywordIndex(passages);
    await index.search.addAllAsync(index.documents(), { chunkSize: 25 });
    return index;
  }

  private documents() {
    return this.passages.map((p, id) => ({
      id,
      text: passageText(p),
      title: `${p.itemTitle} ${p.heading}`,
      lang: p.lang,
    }));
  }

  query(text: string, langs: readonly Lang[], limit: number): Ranked[] {
    if (keywordTerms(text).length === 0) return [];
    return this.search
      .search(text, { filter: (r) => langs.includes(r.lang as Lang) })
      .slice(0, limit)
      .map((r) => ({ index: r.id as number, score: r.score }));
  }

  get size(): number {
    return this.passages.length;
  }
}

import type { Lang } from '../accounts/types.js';
import type { Catalog } from '../content/catalog.js';
import type { Logger } from '../logging/logger.js';
import type { Embedder } from './embedder.js';
import { GlossaryExpander } from './glossary-expansion.js';
import { KeywordIndex, type Ranked } from './keyword-index.js';
import { type Passage, passagesOf, passageText } from './passages.js';
import { UrgentDetector } from './urgent.js';
import { VectorCache } from './vector-cache.js';
import { VectorIndex } from './vector-index.js';

export const SEARCH_MODES = ['hybrid', 'semantic', 'keyword'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** Reciprocal rank fusion constant (Cormack et al. 2009): damps the weight of the very top ranks. */
const RRF_K = 60;
const CANDIDATES = 60;
/** Questions longer than this are cut before embedding and keyword search (the model reads ~256 tokens anyway). */
const MAX_QUERY_CHARS = 1000;

/**
 * When the best hit is good enough to show as an answer. Calibrated with bench/search-quality.ts on the evaluation
 * set and the off-topic questions (test/search/): with these values hybrid search answers 95% of the on-topic
 * questions and refuses all 20 off-topic ones. The bundled model reads English only, so its cosine is trusted for
 * English questions alone (off-topic Swahili scores up to 0.63); other languages rely on the BM25 score, whose
 * scale depends on the corpus: recalibrate after large content changes.
 */
export interface Confidence {
  minCosineEnglish: number;
  minCosineOther: number;
  minKeyword: number;
}
export const DEFAULT_CONFIDENCE: Confidence = {
  minCosineEnglish: 0.45,
  minCosineOther: 0.75,
  minKeyword: 30,
};

export interface SearchHit {
  passage: Passage;
  score: number;
}

export interface SearchResult {
  query: string;
  urgent: boolean;
  confident: boolean;
  hits: SearchHit[];
  /** The best cosine and keyword scores seen, for calibration. */
  signals: { cosine: number; keyword: number };
}

export interface SearchOptions {
  mode?: SearchMode;
  k?: number;
}

/** Hybrid search: BM25 and embedding ranks fused, over her language and English, glossary-expanded. */
export class SearchEngine {
  private readonly byIdLang = new Map<string, number>();

  private constructor(
    readonly passages: Passage[],
    private readonly keyword: KeywordIndex,
    private readonly vectors: VectorIndex,
    private readonly embedder: Embedder,
    private readonly expander: GlossaryExpander,
    private readonly urgent: UrgentDetector,
    private readonly confidence: Confidence,
  ) {
    passages.forEach((p, i) => {
      this.byIdLang.set(`${p.id}|${p.lang}`, i);
    });
  }

  static async build(options: {
    catalog: Catalog;
    embedder: Embedder;
    cacheDir: string;
    logger?: Logger;
    confidence?: Confidence;
  }): Promise<SearchEngine> {
    const { catalog, embedder, cacheDir, logger } = options;
    const passages = passagesOf(catalog);
    const texts = passages.map(passageText);
    const cache = await VectorCache.open(cacheDir, embedder.modelId, embedder.dimensions);
    const missing = [...new Set(texts.filter((t) => !cache.get(t)))];
    if (missing.length > 0) {
      const started = Date.now();
      const vectors = await embedder.embed(missing);
      missing.forEach((t, i) => {
        const v = vectors[i];
        if (v) cache.set(t, v);
      });
      logger?.info(
        { embedded: missing.length, ms: Date.now() - started },
        'embedded new or changed passages',
      );
    }
    // A read-only cache (e.g. baked into a container image) only costs re-embedding on the next start.
    await cache
      .save(texts)
      .catch((error: unknown) => logger?.warn({ err: error }, 'could not save the vector cache'));
    const vectors = texts.map((t) => cache.get(t) ?? new Float32Array(embedder.dimensions));
    return await SearchEngine.fromParts({
      catalog,
      passages,
      vectors,
      embedder,
      confidence: options.confidence,
    });
  }

  /** An engine over given passages and their vectors (the benchmarks use it to rank 10,000 passages). */
  static async fromParts(parts: {
    catalog: Catalog;
    passages: Passage[];
    vectors: Float32Array[];
    embedder: Embedder;
    confidence?: Confidence;
  }): Promise<SearchEngine> {
    const { catalog, passages, vectors, embedder } = parts;
    const phrases = Object.assign({}, ...catalog.content.urgentPhrases.map((u) => u.phrases));
    const index = new VectorIndex(embedder.dimensions, vectors);
    await index.accelerate();
    return new SearchEngine(
      passages,
      new KeywordIndex(passages),
      index,
      embedder,
      new GlossaryExpander(catalog.glossary),
      new UrgentDetector(phrases),
      parts.confidence ?? DEFAULT_CONFIDENCE,
    );
  }

  /** The stored vector of passage `row` (benchmarks build larger indexes from these). */
  vectorAt(row: number): Float32Array {
    const d = this.vectors.dimensions;
    return this.vectors.matrix.slice(row * d, (row + 1) * d);
  }

  async close(): Promise<void> {
    await this.vectors.release();
    await this.embedder.close();
  }

  isUrgent(question: string): boolean {
    return this.urgent.isUrgent(question);
  }

  async search(question: string, lang: Lang, options: SearchOptions = {}): Promise<SearchResult> {
    const mode = options.mode ?? 'hybrid';
    const k = options.k ?? 5;
    const query = question.trim().slice(0, MAX_QUERY_CHARS);
    const urgent = this.urgent.isUrgent(query);
    const langs: Lang[] = lang === 'en' ? ['en'] : [lang, 'en'];
    const expansion = this.expander.expansion(query, lang);
    const allowed = (row: number) => langs.includes((this.passages[row] as Passage).lang);

    // The bundled model reads English: the glossary's English words carry a Swahili or Portuguese question. An
    // English question is embedded as it is (its synonyms would only lengthen it, and time grows with length).
    const semanticText = lang !== 'en' && expansion.length > 0 ? `${query} (${expansion.join(', ')})` : query;
    // The model's forward pass runs on onnxruntime's own thread: start it first, and rank by keywords meanwhile.
    const semantic = mode !== 'keyword' && query !== '' ? this.embedder.embed([semanticText]) : null;
    // One turn of the event loop lets the embedder tokenise and hand the pass to onnxruntime before BM25 runs.
    if (semantic && mode === 'hybrid') await new Promise((resolve) => setImmediate(resolve));
    const rankings: Ranked[][] = [];
    let cosine = 0;
    let keyword = 0;
    if (mode !== 'semantic') {
      const ranked = this.keyword.query([query, ...expansion].join(' '), langs, CANDIDATES);
      keyword = ranked[0]?.score ?? 0;
      rankings.push(ranked);
    }
    const vector = semantic ? (await semantic)[0] : undefined;
    if (vector) {
      const ranked = await this.vectors.rank(vector, allowed, CANDIDATES);
      cosine = ranked[0]?.score ?? 0;
      rankings.push(ranked);
    }
    const hits = this.fuse(rankings, lang, mode).slice(0, k);
    const minCosine = lang === 'en' ? this.confidence.minCosineEnglish : this.confidence.minCosineOther;
    const confident =
      hits.length > 0 &&
      ((mode !== 'keyword' && cosine >= minCosine) ||
        (mode !== 'semantic' && keyword >= this.confidence.minKeyword));
    return { query, urgent, confident, hits, signals: { cosine, keyword } };
  }

  /**
   * Reciprocal rank fusion over the rankings, by passage id across languages (the same section in Swahili and
   * English is one answer), shown in her language where it exists. With one ranking, its own scores order it.
   */
  private fuse(rankings: Ranked[][], lang: Lang, mode: SearchMode): SearchHit[] {
    const scores = new Map<string, number>();
    for (const ranking of rankings) {
      const seen = new Set<string>();
      ranking.forEach((r, rank) => {
        const id = (this.passages[r.index] as Passage).id;
        if (seen.has(id)) return;
        seen.add(id);
        const add = mode === 'hybrid' ? 1 / (RRF_K + rank + 1) : r.score;
        scores.set(id, (scores.get(id) ?? 0) + add);
      });
    }
    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([id, score]) => {
        const row = this.byIdLang.get(`${id}|${lang}`) ?? this.byIdLang.get(`${id}|en`);
        const passage = this.passages[row ?? -1];
        return passage ? { passage, score } : null;
      })
      .filter((h): h is SearchHit => h !== null);
  }
}

import { LANGUAGES, type Lang } from '../accounts/types.js';
import type { Catalog } from '../content/catalog.js';
import type { Logger } from '../logging/logger.js';
import type { Reading } from './danger/detector.js';
import { type DangerDetector, type DangerMatch, dangerDetectorOf, embedDangerSigns } from './danger/index.js';
import { type Embedder, isVectorRanker } from './embedder.js';
import { GlossaryExpander } from './glossary-expansion.js';
import { KeywordIndex, type Ranked } from './keyword-index.js';
import { type Passage, passagesOf, passageText } from './passages.js';
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
  /** The danger sign recognised (words, or meaning once the model is there), when `urgent`. */
  danger?: DangerMatch | null;
  confident: boolean;
  hits: SearchHit[];
  /** The best cosine and keyword scores seen, for calibration. */
  signals: { cosine: number; keyword: number };
}

export interface SearchOptions {
  mode?: SearchMode;
  k?: number;
}

let nextVectorKey = 1;

/**
 * Hybrid search over one content version: BM25 and embedding ranks fused, over her language and English,
 * glossary-expanded. The keyword index, the glossary and the danger phrases are built at once (synchronously,
 * tens of milliseconds); until passage vectors are attached, every mode answers from keywords alone.
 */
export class SearchEngine {
  private readonly byIdLang = new Map<string, number>();
  private readonly rowLangs: Uint8Array;
  /** Each row's passage id as a number (the same for a section in every language). */
  private readonly idOf: Int32Array;
  /** The row of (id number, language): `rowOf[id * LANGUAGES.length + language]`, -1 where there is none. */
  private readonly rowOf: Int32Array;
  /** Fusion's scratch, one slot per id number, reused by every search (fusion is synchronous). */
  private readonly fused: Float64Array;
  private readonly touchedAt: Uint32Array;
  private readonly seenAt: Uint32Array;
  private stamp = 0;
  private vectors: VectorIndex | null = null;
  private embedder: Embedder | null = null;
  /** Where the query worker keeps this engine's vectors, when the embedder ranks (see VectorRanker). */
  private rankerKey: string | null = null;

  private constructor(
    readonly passages: Passage[],
    private readonly keyword: KeywordIndex,
    private readonly expander: GlossaryExpander,
    private readonly urgent: DangerDetector,
    private readonly confidence: Confidence,
  ) {
    const idNumbers = new Map<string, number>();
    this.idOf = new Int32Array(passages.length);
    passages.forEach((p, i) => {
      this.byIdLang.set(`${p.id}|${p.lang}`, i);
      let n = idNumbers.get(p.id);
      if (n === undefined) {
        n = idNumbers.size;
        idNumbers.set(p.id, n);
      }
      this.idOf[i] = n;
    });
    this.rowLangs = Uint8Array.from(passages, (p) => LANGUAGES.indexOf(p.lang));
    this.rowOf = new Int32Array(idNumbers.size * LANGUAGES.length).fill(-1);
    passages.forEach((_, i) => {
      this.rowOf[(this.idOf[i] as number) * LANGUAGES.length + (this.rowLangs[i] as number)] = i;
    });
    this.fused = new Float64Array(idNumbers.size);
    this.touchedAt = new Uint32Array(idNumbers.size);
    this.seenAt = new Uint32Array(idNumbers.size);
  }

  /** Keywords, glossary and danger phrases only; `attachVectors` adds semantic ranking later. */
  static keywordOnly(options: {
    catalog: Catalog;
    passages?: Passage[];
    confidence?: Confidence;
  }): SearchEngine {
    const passages = options.passages ?? passagesOf(options.catalog);
    return SearchEngine.assemble(options, passages, KeywordIndex.of(passages));
  }

  /** The same, the keyword index built in slices that leave the event loop free (for a bot that is serving). */
  static async keywordOnlyAsync(options: {
    catalog: Catalog;
    passages?: Passage[];
    confidence?: Confidence;
  }): Promise<SearchEngine> {
    const passages = options.passages ?? passagesOf(options.catalog);
    return SearchEngine.assemble(options, passages, await KeywordIndex.build(passages));
  }

  private static assemble(
    options: { catalog: Catalog; confidence?: Confidence },
    passages: Passage[],
    keyword: KeywordIndex,
  ): SearchEngine {
    const { catalog } = options;
    const expander = new GlossaryExpander(catalog.glossary);
    return new SearchEngine(
      passages,
      keyword,
      expander,
      dangerDetectorOf(catalog, expander),
      options.confidence ?? DEFAULT_CONFIDENCE,
    );
  }

  /**
   * The passages' vectors in order: read from the vector cache, embedding only the texts it lacks (new or changed
   * passages), then saved. `embedded` counts the texts embedded now.
   */
  static async passageVectors(options: {
    passages: Passage[];
    embedder: Embedder;
    cacheDir: string;
    logger?: Logger;
  }): Promise<{ vectors: Float32Array[]; embedded: number }> {
    const { passages, embedder, cacheDir, logger } = options;
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
    return {
      vectors: texts.map((t) => cache.get(t) ?? new Float32Array(embedder.dimensions)),
      embedded: missing.length,
    };
  }

  static async build(options: {
    catalog: Catalog;
    embedder: Embedder;
    cacheDir: string;
    logger?: Logger;
    confidence?: Confidence;
  }): Promise<SearchEngine> {
    const engine = SearchEngine.keywordOnly(options);
    const { vectors } = await SearchEngine.passageVectors({ ...options, passages: engine.passages });
    await engine.attachVectors(options.embedder, vectors);
    return engine;
  }

  /** An engine over given passages and their vectors (the benchmarks use it to rank 10,000 passages). */
  static async fromParts(parts: {
    catalog: Catalog;
    passages: Passage[];
    vectors: Float32Array[];
    embedder: Embedder;
    confidence?: Confidence;
  }): Promise<SearchEngine> {
    const engine = SearchEngine.keywordOnly(parts);
    await engine.attachVectors(parts.embedder, parts.vectors);
    return engine;
  }

  /** Semantic ranking joins from now on (vectors in passage order). */
  async attachVectors(embedder: Embedder, vectors: Float32Array[]): Promise<void> {
    const index = new VectorIndex(embedder.dimensions, vectors, undefined, this.rowLangs);
    if (isVectorRanker(embedder)) {
      const key = `v${nextVectorKey++}`;
      await embedder.loadVectors(key, index.matrix, this.rowLangs);
      this.rankerKey = key;
    } else {
      await index.accelerate();
    }
    this.vectors = index;
    this.embedder = embedder;
  }

  /** Whether semantic ranking is on (passage vectors attached). */
  get semanticReady(): boolean {
    return this.vectors !== null;
  }

  /** The stored vector of passage `row` (benchmarks build larger indexes from these). */
  vectorAt(row: number): Float32Array {
    if (!this.vectors) throw new Error('no vectors attached');
    const d = this.vectors.dimensions;
    return this.vectors.matrix.slice(row * d, (row + 1) * d);
  }

  /** A passage by `id` in a language, if this version has it. */
  passage(id: string, lang: Lang): Passage | undefined {
    const row = this.byIdLang.get(`${id}|${lang}`);
    return row === undefined ? undefined : this.passages[row];
  }

  /** Frees the vectors (here and in the query worker); the embedder stays open. */
  async release(): Promise<void> {
    const embedder = this.embedder;
    if (this.rankerKey && embedder && isVectorRanker(embedder)) await embedder.dropVectors(this.rankerKey);
    await this.vectors?.release();
    this.vectors = null;
    this.rankerKey = null;
  }

  /** Frees the vectors and closes the embedder (for an engine that owns it, as `build` callers do). */
  async close(): Promise<void> {
    const embedder = this.embedder;
    await this.release();
    await embedder?.close();
  }

  isUrgent(question: string): boolean {
    return this.urgent.detect(question) !== null;
  }

  /** The danger sign a question describes, by its words (synchronous; never waits for the model). */
  danger(question: string): DangerMatch | null {
    return this.urgent.detect(question);
  }

  async search(question: string, lang: Lang, options: SearchOptions = {}): Promise<SearchResult> {
    const vectors = this.vectors;
    const embedder = this.embedder;
    const query = question.trim().slice(0, MAX_QUERY_CHARS);
    // Without vectors (not built yet), every mode is keyword search.
    const mode: SearchMode = vectors && embedder ? (options.mode ?? 'hybrid') : 'keyword';
    const k = options.k ?? 5;
    const langs: Lang[] = lang === 'en' ? ['en'] : [lang, 'en'];
    // The bundled model reads English: the glossary's English words carry a Swahili or Portuguese question. An
    // English question is embedded as it is (its synonyms would only lengthen it, and time grows with length), so
    // it goes to the model before the expansion is looked up.
    let expansion: string[] | null = null;
    let semanticText = query;
    if (lang !== 'en') {
      expansion = this.expander.expansion(query, lang);
      if (expansion.length > 0) semanticText = `${query} (${expansion.join(', ')})`;
    }
    // The forward pass runs elsewhere (a worker thread, or onnxruntime after a turn of the event loop): start it
    // first, and do everything else here meanwhile (danger phrases, BM25), so only fusion follows the pass.
    let semantic: Promise<Ranked[]> | null = null;
    let queryVector: Float32Array | undefined;
    /** The question as danger detection reads it, once, and the sign its words name (undefined until read below). */
    let reading: Reading | undefined;
    let byWords: DangerMatch | null | undefined;
    /** The semantic danger check, when it ran as soon as the vector came (while the worker still ranked). */
    let byMeaning: { match: DangerMatch | null } | null = null;
    if (mode !== 'keyword' && query !== '' && vectors && embedder) {
      const codes = langs.map((l) => LANGUAGES.indexOf(l));
      if (this.rankerKey && isVectorRanker(embedder)) {
        // The worker posts the vector before it ranks: the semantic danger check runs here meanwhile instead of
        // after the ranking (when the words found nothing).
        const onVector = (vector: Float32Array) => {
          queryVector = vector;
          if (reading && byWords === null) byMeaning = { match: this.urgent.byMeaning(reading, vector) };
        };
        semantic = embedder
          .embedAndRank(semanticText, this.rankerKey, codes, CANDIDATES, onVector)
          .then((r) => {
            queryVector = r.vector;
            return r.ranked;
          });
      } else {
        semantic = embedder.embed([semanticText]).then(([vector]) => {
          queryVector = vector;
          return vector ? vectors.rank(vector, CANDIDATES, codes) : [];
        });
        // One turn of the event loop lets the embedder tokenise and hand the pass to onnxruntime before BM25 runs.
        if (mode === 'hybrid') await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expansion ??= this.expander.expansion(query, lang);
    reading = this.urgent.read(query);
    byWords = this.urgent.match(reading);
    let danger = byWords;
    const rankings: Ranked[][] = [];
    let cosine = 0;
    let keyword = 0;
    if (mode !== 'semantic') {
      const ranked = this.keyword.query([query, ...expansion].join(' '), langs, CANDIDATES);
      keyword = ranked[0]?.score ?? 0;
      rankings.push(ranked);
    }
    if (semantic) {
      const ranked = await semantic;
      cosine = ranked[0]?.score ?? 0;
      rankings.push(ranked);
      // The question's vector is at hand: the semantic path of danger detection may add a sign the words missed
      // (its descriptions are embedded once, in the background, on the first semantic search).
      if (!this.urgent.semanticReady && embedder)
        void embedDangerSigns(this.urgent, embedder).catch(() => undefined);
      danger ??= byMeaning
        ? (byMeaning as { match: DangerMatch | null }).match
        : this.urgent.byMeaning(reading, queryVector);
    }
    const hits = this.fuse(rankings, lang, mode, k);
    const minCosine = lang === 'en' ? this.confidence.minCosineEnglish : this.confidence.minCosineOther;
    const confident =
      hits.length > 0 &&
      ((mode !== 'keyword' && cosine >= minCosine) ||
        (mode !== 'semantic' && keyword >= this.confidence.minKeyword));
    return { query, urgent: danger !== null, danger, confident, hits, signals: { cosine, keyword } };
  }

  /**
   * Reciprocal rank fusion over the rankings, by passage id across languages (the same section in Swahili and
   * English is one answer), shown in her language where it exists, else in English; the `k` best. With one
   * ranking, its own scores order it. Equal scores keep the order in which the ids first appear.
   */
  private fuse(rankings: Ranked[][], lang: Lang, mode: SearchMode, k: number): SearchHit[] {
    if (this.stamp > 0xfffffff0 - 2 * rankings.length) {
      this.stamp = 0;
      this.touchedAt.fill(0);
      this.seenAt.fill(0);
    }
    const call = ++this.stamp;
    const { idOf, fused, touchedAt, seenAt } = this;
    const touched: number[] = [];
    for (const ranking of rankings) {
      const pass = ++this.stamp;
      for (let rank = 0; rank < ranking.length; rank++) {
        const r = ranking[rank] as Ranked;
        const id = idOf[r.index] as number;
        if (seenAt[id] === pass) continue;
        seenAt[id] = pass;
        const add = mode === 'hybrid' ? 1 / (RRF_K + rank + 1) : r.score;
        if (touchedAt[id] !== call) {
          touchedAt[id] = call;
          fused[id] = 0;
          touched.push(id);
        }
        fused[id] = (fused[id] as number) + add;
      }
    }
    // Stable: equal scores keep their first appearance's order.
    touched.sort((a, b) => (fused[b] as number) - (fused[a] as number));
    const own = LANGUAGES.indexOf(lang);
    const english = LANGUAGES.indexOf('en');
    const hits: SearchHit[] = [];
    for (const id of touched) {
      if (hits.length >= k) break;
      const at = id * LANGUAGES.length;
      const row = (this.rowOf[at + own] as number) >= 0 ? this.rowOf[at + own] : this.rowOf[at + english];
      const passage = this.passages[row ?? -1];
      if (passage) hits.push({ passage, score: fused[id] as number });
    }
    return hits;
  }
}

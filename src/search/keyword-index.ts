import { LANGUAGES, type Lang } from '../accounts/types.js';
import { type Passage, passageText } from './passages.js';
import { keywordTerms } from './text.js';

export interface Ranked {
  index: number;
  score: number;
}

/**
 * The scoring, the one MiniSearch 7 used here before (so the keyword confidence threshold keeps its meaning):
 * BM25+ per field (k1 1.2, b 0.7, delta 0.5; a field's length is its number of distinct words), the title
 * field counted twice, words of 5+ letters also matching longer words they begin (weight 0.375·len/(len + 0.3·extra
 * letters)), a repeated query word counted each time, and a passage's sum multiplied by how many distinct query
 * words it matched.
 */
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
const FIELD_BOOSTS = [2, 1]; // title, text
const PREFIX_WEIGHT = 0.375;
const MIN_PREFIX_LENGTH = 5;
/** Passages per slice of an asynchronous build (a slice takes well under a millisecond per passage). */
const SLICE = 50;

const fieldsOf = (p: Passage): string[] => [`${p.itemTitle} ${p.heading}`, passageText(p)];

/**
 * BM25 keyword search over the passages, on the bot's thread, while the question's forward pass runs in the
 * query worker: it must take a fraction of that pass (~5 ms), also at 10,000 passages.
 *
 * Why not a library: MiniSearch (used here before, with the same scoring) took ~6.5 ms per question at 10,000
 * passages on this machine, more than the forward pass, mostly building a result object (matched terms, fields)
 * for every matching passage and sorting them all; its options (no prefix, one index per language, no filter)
 * changed that by under 10 %. wink-bm25-text-search has no prefix matching and also sums into an object keyed by
 * passage. So the index is packed arrays: each word's postings (passage, precomputed BM25+ weight summed over the
 * fields), summed per question into a reused score array, with a partial top-k over the passages touched. A
 * question costs ~0.1 ms at 525 passages and ~0.3 ms at 10,000; test/search/keyword-index.test.ts checks the
 * scores against MiniSearch's.
 */
export class KeywordIndex {
  /** Scratch, reused by every query (queries are synchronous, so never two at once). */
  private readonly scores: Float64Array;
  private readonly matched: Uint16Array;
  private readonly lastTerm: Uint16Array;
  private readonly touched: Int32Array;

  private readonly vocabulary: string[];
  private readonly termIds: Map<string, number>;
  private readonly starts: Int32Array;
  private readonly docs: Int32Array;
  private readonly weights: Float64Array;
  private readonly langs: Uint8Array;

  private constructor(
    private readonly passages: Passage[],
    packed: Packed,
  ) {
    ({
      vocabulary: this.vocabulary,
      termIds: this.termIds,
      starts: this.starts,
      docs: this.docs,
      weights: this.weights,
      langs: this.langs,
    } = packed);
    const n = passages.length;
    this.scores = new Float64Array(n);
    this.matched = new Uint16Array(n);
    this.lastTerm = new Uint16Array(n);
    this.touched = new Int32Array(n);
  }

  /** Built in one go (before the bot serves: fastest). */
  static of(passages: Passage[]): KeywordIndex {
    const builder = new Builder(passages);
    for (let i = 0; i < passages.length; i++) builder.read(i);
    return new KeywordIndex(passages, builder.finish());
  }

  /** Built in slices that yield to the event loop (while the bot serves, e.g. a content replacement). */
  static async build(passages: Passage[]): Promise<KeywordIndex> {
    const builder = new Builder(passages);
    for (let i = 0; i < passages.length; i++) {
      builder.read(i);
      if (i % SLICE === SLICE - 1) await new Promise((resolve) => setImmediate(resolve));
    }
    return new KeywordIndex(passages, builder.finish());
  }

  /** The `limit` best passages in `langs` for the words of `text`, best first. */
  query(text: string, langs: readonly Lang[], limit: number): Ranked[] {
    const words = new Map<string, number>();
    for (const w of keywordTerms(text)) words.set(w, (words.get(w) ?? 0) + 1);
    if (words.size === 0 || limit <= 0) return [];
    const { scores, matched, lastTerm, touched, docs, weights, starts } = this;
    let touchedCount = 0;
    let queryTerm = 0;
    const add = (term: number, weight: number) => {
      for (let p = starts[term] as number, end = starts[term + 1] as number; p < end; p++) {
        const doc = docs[p] as number;
        scores[doc] = (scores[doc] as number) + weight * (weights[p] as number);
        if (lastTerm[doc] !== queryTerm) {
          lastTerm[doc] = queryTerm;
          if (matched[doc] === 0) touched[touchedCount++] = doc;
          matched[doc] = (matched[doc] as number) + 1;
        }
      }
    };
    for (const [word, repeats] of words) {
      queryTerm++;
      const exact = this.termIds.get(word);
      if (exact !== undefined) add(exact, repeats);
      if (word.length < MIN_PREFIX_LENGTH) continue;
      for (let t = this.firstAtLeast(word); t < this.vocabulary.length; t++) {
        const longer = this.vocabulary[t] as string;
        if (!longer.startsWith(word)) break;
        if (longer.length === word.length) continue;
        const extra = longer.length - word.length;
        add(t, (repeats * PREFIX_WEIGHT * longer.length) / (longer.length + 0.3 * extra));
      }
    }
    const allowed = new Set(langs.map((l) => LANGUAGES.indexOf(l)));
    // Partial top-k: the best `limit` so far, sorted, in small arrays; most passages fail the first comparison.
    const bestDoc: number[] = [];
    const bestScore: number[] = [];
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i] as number;
      const score = (scores[doc] as number) * (matched[doc] as number);
      scores[doc] = 0;
      matched[doc] = 0;
      lastTerm[doc] = 0;
      if (!allowed.has(this.langs[doc] as number)) continue;
      const full = bestDoc.length === limit;
      if (full && !beats(score, doc, bestScore[limit - 1] as number, bestDoc[limit - 1] as number)) continue;
      let at = full ? limit - 1 : bestDoc.length;
      while (at > 0 && beats(score, doc, bestScore[at - 1] as number, bestDoc[at - 1] as number)) {
        bestDoc[at] = bestDoc[at - 1] as number;
        bestScore[at] = bestScore[at - 1] as number;
        at--;
      }
      bestDoc[at] = doc;
      bestScore[at] = score;
    }
    return bestDoc.map((index, i) => ({ index, score: bestScore[i] as number }));
  }

  get size(): number {
    return this.passages.length;
  }

  private firstAtLeast(word: string): number {
    let lo = 0;
    let hi = this.vocabulary.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.vocabulary[mid] as string) < word) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

interface Packed {
  /** Every indexed word, sorted (so the words a prefix begins are one range), and its position there. */
  vocabulary: string[];
  termIds: Map<string, number>;
  /** Postings of word t: `docs` / `weights` from `starts[t]` to `starts[t + 1]`, in passage order. */
  starts: Int32Array;
  docs: Int32Array;
  weights: Float64Array;
  /** Each passage's language (index in LANGUAGES). */
  langs: Uint8Array;
}

/** Higher score first; equal scores in passage order (stable results). */
const beats = (score: number, doc: number, otherScore: number, otherDoc: number): boolean =>
  score > otherScore || (score === otherScore && doc < otherDoc);

/** Reads passages one by one (term frequencies per field), then packs the postings. */
class Builder {
  private readonly termIds = new Map<string, number>();
  /** Per passage and field: word id -> frequency. */
  private readonly frequencies: Map<number, number>[][] = [];
  /** Per field: distinct words per passage, and passages per word. */
  private readonly lengths: Float64Array[];
  private readonly fieldDocFreq: number[][];

  constructor(private readonly passages: Passage[]) {
    this.lengths = FIELD_BOOSTS.map(() => new Float64Array(passages.length));
    this.fieldDocFreq = FIELD_BOOSTS.map(() => []);
  }

  read(doc: number): void {
    const fields = fieldsOf(this.passages[doc] as Passage);
    this.frequencies[doc] = fields.map((value, f) => {
      const tf = new Map<number, number>();
      for (const word of keywordTerms(value)) {
        let id = this.termIds.get(word);
        if (id === undefined) {
          id = this.termIds.size;
          this.termIds.set(word, id);
        }
        tf.set(id, (tf.get(id) ?? 0) + 1);
      }
      (this.lengths[f] as Float64Array)[doc] = tf.size;
      const df = this.fieldDocFreq[f] as number[];
      for (const id of tf.keys()) df[id] = (df[id] ?? 0) + 1;
      return tf;
    });
  }

  finish(): Packed {
    const n = this.passages.length;
    const vocabulary = [...this.termIds.keys()].sort();
    const sortedIds = new Map(vocabulary.map((w, i) => [w, i]));
    const rank = new Int32Array(this.termIds.size);
    for (const [word, id] of this.termIds) rank[id] = sortedIds.get(word) as number;

    const averages = this.lengths.map((l) => (n === 0 ? 0 : l.reduce((a, b) => a + b, 0) / n));
    const postings = new Int32Array(vocabulary.length + 1);
    const perDoc: Map<number, number>[] = [];
    for (let doc = 0; doc < n; doc++) {
      // Word (sorted id) -> weight summed over the fields.
      const weights = new Map<number, number>();
      (this.frequencies[doc] as Map<number, number>[]).forEach((tf, f) => {
        const length = (this.lengths[f] as Float64Array)[doc] as number;
        const average = averages[f] as number;
        const df = this.fieldDocFreq[f] as number[];
        for (const [id, freq] of tf) {
          const matching = df[id] as number;
          const idf = Math.log(1 + (n - matching + 0.5) / (matching + 0.5));
          const bm25 = idf * (DELTA + (freq * (K1 + 1)) / (freq + K1 * (1 - B + (B * length) / average)));
          const term = rank[id] as number;
          weights.set(term, (weights.get(term) ?? 0) + (FIELD_BOOSTS[f] as number) * bm25);
        }
      });
      for (const term of weights.keys()) postings[term + 1] = (postings[term + 1] as number) + 1;
      perDoc.push(weights);
    }
    for (let t = 0; t < vocabulary.length; t++) {
      postings[t + 1] = (postings[t + 1] as number) + (postings[t] as number);
    }
    const total = postings[vocabulary.length] as number;
    const docs = new Int32Array(total);
    const weights = new Float64Array(total);
    const next = postings.slice(0, vocabulary.length);
    perDoc.forEach((terms, doc) => {
      for (const [term, weight] of terms) {
        const at = next[term] as number;
        docs[at] = doc;
        weights[at] = weight;
        next[term] = at + 1;
      }
    });
    const langs = Uint8Array.from(this.passages, (p) => LANGUAGES.indexOf(p.lang));
    return { vocabulary, termIds: sortedIds, starts: postings, docs, weights, langs };
  }
}

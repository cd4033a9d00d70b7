import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import type { Catalog } from '../src/content/catalog.js';
import { projectRoot } from '../src/paths.js';
import { forwardPassOnly, type TransformersEmbedder } from '../src/search/model/transformers-embedder.js';
import type { Passage } from '../src/search/passages.js';
import { SearchEngine } from '../src/search/search-engine.js';

export interface LatencyFigures {
  passages: number;
  endToEnd: Percentiles;
  /** Semantic mode: the question's embedding and the exact cosine ranking, without BM25. */
  semantic: Percentiles;
  forwardPass: Percentiles;
  /** How much a whole query costs beyond the model's forward pass, at the median. */
  overhead: number;
  /** The same for semantic mode (what embedding the question and exact ranking add to the bare pass). */
  semanticOverhead: number;
}

export interface Percentiles {
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
};

const percentiles = (values: number[]): Percentiles => ({
  p50Ms: percentile(values, 0.5),
  p90Ms: percentile(values, 0.9),
  p95Ms: percentile(values, 0.95),
});

function englishQuestions(): string[] {
  const { questions } = parse(
    readFileSync(join(projectRoot, 'test', 'search', 'eval-questions.yaml'), 'utf8'),
  ) as {
    questions: { q: string; lang: string }[];
  };
  return questions.filter((q) => q.lang === 'en').map((q) => q.q);
}

/**
 * One query end to end (glossary expansion, BM25, embedding, exact ranking, fusion) against the model's bare forward
 * pass on the same text, interleaved so both see the same machine load.
 */
export async function measureLatency(
  engine: SearchEngine,
  embedder: TransformersEmbedder,
): Promise<LatencyFigures> {
  const questions = englishQuestions();
  for (const q of questions.slice(0, 10)) {
    await engine.search(q, 'en');
    await forwardPassOnly(embedder, q);
  }
  const e2e: number[] = [];
  const sem: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const q of questions) {
      const started = performance.now();
      await engine.search(q, 'en');
      e2e.push(performance.now() - started);
      const semStarted = performance.now();
      await engine.search(q, 'en', { mode: 'semantic' });
      sem.push(performance.now() - semStarted);
      bare.push(await forwardPassOnly(embedder, q));
    }
  }
  const endToEnd = percentiles(e2e);
  const forwardPass = percentiles(bare);
  const semantic = percentiles(sem);
  return {
    passages: engine.passages.length,
    endToEnd,
    semantic,
    forwardPass,
    overhead: endToEnd.p50Ms / forwardPass.p50Ms - 1,
    semanticOverhead: semantic.p50Ms / forwardPass.p50Ms - 1,
  };
}

/**
 * The real passages plus synthetic ones up to `size`: copies of real passages (new ids, their words shuffled) with
 * their vectors nudged at random and renormalised, so ranking and BM25 work on realistic data at that size.
 */
export async function syntheticEngine(
  catalog: Catalog,
  real: SearchEngine,
  embedder: TransformersEmbedder,
  size: number,
): Promise<SearchEngine> {
  const passages = [...real.passages];
  const vectors = passages.map((_, row) => real.vectorAt(row));
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; passages.length < size; i++) {
    const row = i % real.passages.length;
    const base = real.passages[row] as Passage;
    const words = base.text.split(' ').sort(() => random() - 0.5);
    passages.push({ ...base, id: `${base.id}~${i}`, item: `${base.item}~${i}`, text: words.join(' ') });
    const v = Float32Array.from(real.vectorAt(row), (x) => x + (random() - 0.5) * 0.08);
    const norm = Math.hypot(...v);
    vectors.push(v.map((x) => x / norm));
  }
  return SearchEngine.fromParts({ catalog, passages, vectors, embedder });
}

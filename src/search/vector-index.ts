import type { Ranked } from './keyword-index.js';
import { OrtScorer } from './ort-scorer.js';

/**
 * Exact cosine ranking over unit vectors packed in one Float32Array (row i = passage i). Exact, because the
 * library is small (thousands of passages) and approximate indexes would add a dependency and recall loss.
 */
/** From this many passages, onnxruntime's Gemm beats the JavaScript loop on this kind of machine. */
export const ORT_MIN_ROWS = 3000;

export class VectorIndex {
  readonly matrix: Float32Array;
  private scorer: OrtScorer | null = null;

  /** The rows are copied into shared memory, so a worker thread can rank against them without a copy. */
  constructor(
    readonly dimensions: number,
    vectors: Float32Array[],
    matrix?: Float32Array,
  ) {
    this.matrix = matrix ?? new Float32Array(new SharedArrayBuffer(vectors.length * dimensions * 4));
    if (!matrix) {
      vectors.forEach((v, i) => {
        this.matrix.set(v, i * dimensions);
      });
    }
  }

  /** An index over an existing packed matrix (e.g. shared by the main thread), not copied. */
  static over(dimensions: number, matrix: Float32Array): VectorIndex {
    return new VectorIndex(dimensions, [], matrix);
  }

  get size(): number {
    return this.matrix.length / this.dimensions;
  }

  /** Dot products of the query with every row (= cosine, as both are normalised). */
  scores(query: Float32Array): Float32Array {
    const n = this.size;
    const d = this.dimensions;
    const m = this.matrix;
    const out = new Float32Array(n);
    for (let row = 0; row < n; row++) {
      const base = row * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      // Unrolled by four: about twice as fast as the plain loop in V8.
      for (; j + 3 < d; j += 4) {
        s0 += (m[base + j] as number) * (query[j] as number);
        s1 += (m[base + j + 1] as number) * (query[j + 1] as number);
        s2 += (m[base + j + 2] as number) * (query[j + 2] as number);
        s3 += (m[base + j + 3] as number) * (query[j + 3] as number);
      }
      for (; j < d; j++) s0 += (m[base + j] as number) * (query[j] as number);
      out[row] = s0 + s1 + s2 + s3;
    }
    return out;
  }

  query(query: Float32Array, allowed: (row: number) => boolean, limit: number): Ranked[] {
    return topK(this.scores(query), allowed, limit);
  }

  /**
   * Scores in onnxruntime from now on, for large indexes only: a call into onnxruntime costs ~0.8 ms, more than
   * the JavaScript loop over a few thousand rows. If onnxruntime cannot load, the loop stays (same results).
   */
  async accelerate(minRows = ORT_MIN_ROWS): Promise<boolean> {
    if (this.size < minRows) return false;
    try {
      this.scorer = await OrtScorer.create(this.matrix, this.size, this.dimensions);
      return true;
    } catch {
      return false;
    }
  }

  /** Scores in onnxruntime when accelerated, else the JavaScript loop. */
  async scoresAsync(query: Float32Array): Promise<Float32Array> {
    return this.scorer ? await this.scorer.scores(query) : this.scores(query);
  }

  async rank(query: Float32Array, allowed: (row: number) => boolean, limit: number): Promise<Ranked[]> {
    return topK(await this.scoresAsync(query), allowed, limit);
  }

  async release(): Promise<void> {
    await this.scorer?.release();
    this.scorer = null;
  }
}

/** The `limit` best rows by score, best first, among the allowed ones. */
export function topK(scores: Float32Array, allowed: (row: number) => boolean, limit: number): Ranked[] {
  const best: Ranked[] = [];
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i] as number;
    if (best.length === limit && score <= (best[best.length - 1]?.score ?? -Infinity)) continue;
    if (!allowed(i)) continue;
    let at = best.length;
    while (at > 0 && (best[at - 1]?.score ?? 0) < score) at--;
    best.splice(at, 0, { index: i, score });
    if (best.length > limit) best.pop();
  }
  return best;
}

import type { Ranked } from './keyword-index.js';
import { OrtScorer } from './ort-scorer.js';

/**
 * Exact cosine ranking over unit vectors packed in one Float32Array (row i = passage i). Exact, because the
 * library is small (thousands of passages) and approximate indexes would add a dependency and recall loss.
 */
/**
 * From this many passages an index on the bot's thread loads onnxruntime to score (where it is not loaded
 * already: its load costs time and memory that a small index does not repay). The query worker has onnxruntime
 * loaded for the model and scores there at every size: a call costs ~0.05 ms, the JavaScript loop ~0.45 ms at
 * 525 passages.
 */
export const ORT_MIN_ROWS = 3000;
/**
 * From this many passages the scores come from int8 vectors (a quarter of the memory to read per query: ~0.3 ms
 * instead of ~0.75 ms at 10,000) and the best candidates are re-scored exactly; below it float32 is as fast.
 */
export const QUANTIZE_MIN_ROWS = 4000;
/** Candidates re-scored exactly after int8 scoring: this many times the rows asked for, at least RESCORE_MIN. */
const RESCORE_FACTOR = 2;
const RESCORE_MIN = 100;

export class VectorIndex {
  readonly matrix: Float32Array;
  private scorer: OrtScorer | null = null;

  /**
   * The rows are copied into shared memory, so a worker thread can rank against them without a copy. `groups`
   * (one code per row, e.g. the passage's language) lets a query rank among some groups only.
   */
  constructor(
    readonly dimensions: number,
    vectors: Float32Array[],
    matrix?: Float32Array,
    readonly groups?: Uint8Array,
  ) {
    this.matrix = matrix ?? new Float32Array(new SharedArrayBuffer(vectors.length * dimensions * 4));
    if (!matrix) {
      vectors.forEach((v, i) => {
        this.matrix.set(v, i * dimensions);
      });
    }
  }

  /** An index over an existing packed matrix (e.g. shared by the main thread), not copied. */
  static over(dimensions: number, matrix: Float32Array, groups?: Uint8Array): VectorIndex {
    return new VectorIndex(dimensions, [], matrix, groups);
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
   * Scores in onnxruntime from now on, from `minRows` passages (int8 from `quantizeFrom`). If onnxruntime cannot
   * load, the loop stays (same results).
   */
  async accelerate(minRows = ORT_MIN_ROWS, quantizeFrom = QUANTIZE_MIN_ROWS): Promise<boolean> {
    if (this.size < minRows || this.size === 0) return false;
    try {
      this.scorer = await OrtScorer.create(this.matrix, this.size, this.dimensions, {
        quantized: this.size >= quantizeFrom,
        groups: this.groups,
      });
      return true;
    } catch {
      return false;
    }
  }

  /** The exact score of one row (dot product with the unit query). */
  scoreRow(query: Float32Array, row: number): number {
    const d = this.dimensions;
    const m = this.matrix;
    const base = row * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j + 3 < d; j += 4) {
      s0 += (m[base + j] as number) * (query[j] as number);
      s1 += (m[base + j + 1] as number) * (query[j + 1] as number);
      s2 += (m[base + j + 2] as number) * (query[j + 2] as number);
      s3 += (m[base + j + 3] as number) * (query[j + 3] as number);
    }
    for (; j < d; j++) s0 += (m[base + j] as number) * (query[j] as number);
    return s0 + s1 + s2 + s3;
  }

  /**
   * `scoreRow` of each of `rows`, four rows at a time: the same sums in the same order per row (so the same
   * scores), but four rows' memory is read at once, which halves the time when the rows are not in cache (as after
   * a forward pass: ~0.035 instead of ~0.07 ms for 120 rows).
   */
  scoreRows(query: Float32Array, rows: Int32Array): Float64Array {
    const d = this.dimensions;
    const m = this.matrix;
    const out = new Float64Array(rows.length);
    let i = 0;
    if (d % 4 === 0) {
      for (; i + 3 < rows.length; i += 4) {
        const a = (rows[i] as number) * d;
        const b = (rows[i + 1] as number) * d;
        const c = (rows[i + 2] as number) * d;
        const e = (rows[i + 3] as number) * d;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let b0 = 0;
        let b1 = 0;
        let b2 = 0;
        let b3 = 0;
        let c0 = 0;
        let c1 = 0;
        let c2 = 0;
        let c3 = 0;
        let e0 = 0;
        let e1 = 0;
        let e2 = 0;
        let e3 = 0;
        for (let j = 0; j < d; j += 4) {
          const q0 = query[j] as number;
          const q1 = query[j + 1] as number;
          const q2 = query[j + 2] as number;
          const q3 = query[j + 3] as number;
          a0 += (m[a + j] as number) * q0;
          a1 += (m[a + j + 1] as number) * q1;
          a2 += (m[a + j + 2] as number) * q2;
          a3 += (m[a + j + 3] as number) * q3;
          b0 += (m[b + j] as number) * q0;
          b1 += (m[b + j + 1] as number) * q1;
          b2 += (m[b + j + 2] as number) * q2;
          b3 += (m[b + j + 3] as number) * q3;
          c0 += (m[c + j] as number) * q0;
          c1 += (m[c + j + 1] as number) * q1;
          c2 += (m[c + j + 2] as number) * q2;
          c3 += (m[c + j + 3] as number) * q3;
          e0 += (m[e + j] as number) * q0;
          e1 += (m[e + j + 1] as number) * q1;
          e2 += (m[e + j + 2] as number) * q2;
          e3 += (m[e + j + 3] as number) * q3;
        }
        out[i] = a0 + a1 + a2 + a3;
        out[i + 1] = b0 + b1 + b2 + b3;
        out[i + 2] = c0 + c1 + c2 + c3;
        out[i + 3] = e0 + e1 + e2 + e3;
      }
    }
    for (; i < rows.length; i++) out[i] = this.scoreRow(query, rows[i] as number);
    return out;
  }

  /**
   * The `limit` best rows of the groups in `inGroups` (all rows when undefined) with their cosine, best first
   * (equal scores in row order): scored and selected in onnxruntime when accelerated (int8 candidates re-scored
   * exactly from the float32 rows), else the JavaScript loop.
   */
  async rank(query: Float32Array, limit: number, inGroups?: readonly number[]): Promise<Ranked[]> {
    const scorer = this.scorer;
    if (!scorer) return topK(this.scores(query), this.allowed(inGroups), limit);
    if (!scorer.approximate) return topK(await scorer.scores(query), this.allowed(inGroups), limit);
    const { rows } = await scorer.top(query, Math.max(limit * RESCORE_FACTOR, RESCORE_MIN), inGroups);
    const exact = this.scoreRows(query, rows);
    const order = Array.from(rows.keys());
    order.sort(
      (a, b) => (exact[b] as number) - (exact[a] as number) || (rows[a] as number) - (rows[b] as number),
    );
    const n = Math.min(limit, order.length);
    const out: Ranked[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const at = order[i] as number;
      out[i] = { index: rows[at] as number, score: exact[at] as number };
    }
    return out;
  }

  /** Whether a row is in one of the groups (every row when `inGroups` is undefined). */
  private allowed(inGroups?: readonly number[]): (row: number) => boolean {
    const groups = this.groups;
    if (!inGroups) return () => true;
    if (!groups) return () => inGroups.includes(0);
    const wanted = new Uint8Array(256);
    for (const code of inGroups) wanted[code] = 1;
    return (row) => wanted[groups[row] as number] === 1;
  }

  async release(): Promise<void> {
    await this.scorer?.release();
    this.scorer = null;
  }
}

/**
 * The `limit` best rows by score, best first (equal scores in row order), among the allowed ones. A partial
 * selection: most rows fail one comparison with the worst kept so far, and nothing is allocated per row.
 */
export function topK(scores: Float32Array, allowed: (row: number) => boolean, limit: number): Ranked[] {
  if (limit <= 0) return [];
  const rows = new Int32Array(limit);
  const best = new Float64Array(limit);
  let kept = 0;
  let worst = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i] as number;
    if (kept === limit && score <= worst) continue;
    if (!allowed(i)) continue;
    let at = kept === limit ? limit - 1 : kept++;
    while (at > 0 && (best[at - 1] as number) < score) {
      best[at] = best[at - 1] as number;
      rows[at] = rows[at - 1] as number;
      at--;
    }
    best[at] = score;
    rows[at] = i;
    if (kept === limit) worst = best[limit - 1] as number;
  }
  const out: Ranked[] = new Array(kept);
  for (let i = 0; i < kept; i++) out[i] = { index: rows[i] as number, score: best[i] as number };
  return out;
}

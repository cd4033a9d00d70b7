import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The parts of onnxruntime-node used here (imported lazily: loading it costs time and memory). */
interface Ort {
  InferenceSession: { create(model: Uint8Array, options: object): Promise<Session> };
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: number[]) => unknown;
}

/** The largest magnitude an int8 passage component is scaled to. */
const INT8_MAX = 127;
interface Session {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
  release(): Promise<void>;
}

/** Some rows (e.g. one language's passages) in their own graph. */
interface Group {
  /** The group code of its rows; null: every row, the graph masks rows by a bias per row (0 or -Infinity). */
  code: number | null;
  session: Session;
  /** The index's row of each of the graph's rows, ascending. */
  rows: Int32Array;
}

/** Candidates from the graphs: rows of the index with their (first-stage) scores, best first. */
export interface Candidates {
  rows: Int32Array;
  scores: Float32Array;
}

/**
 * The best rows for a query in onnxruntime (MLAS's vectorised kernels): scoring and the top-k selection in one
 * call per group of rows, so no JavaScript pass over every row. The vectors are the graphs' constants, so a query
 * copies only 384 floats in.
 * - exact: one Gemm over the float32 vectors (~0.05 ms at 525 passages);
 * - `quantized`: the vectors as int8, one scale per passage, and the query quantised on the fly
 *   (DynamicQuantizeMatMul, com.microsoft; VNNI where the CPU has it): ~0.25 ms for 10,000 passages, scores
 *   within ~0.01 of the exact ones, so the caller re-scores the best candidates exactly (see VectorIndex.rank).
 * Rows are grouped (`groups`: one code per row, e.g. the passage's language). With int8, each group has its own
 * graph, so a query reads only the groups it may return (an English question: ~65 % of the rows, the English
 * ones). The float32 graph (small indexes) covers every row and masks the others out: one call.
 */
export class OrtScorer {
  private readonly kTensors = new Map<number, unknown>();
  /** Bias tensors of the masked graph, by the groups they let through. */
  private readonly masks = new Map<string, unknown>();

  private constructor(
    private readonly ort: Ort,
    private readonly graphs: Group[],
    private readonly codes: Uint8Array,
    readonly rows: number,
    readonly dimensions: number,
    /** Scores are approximate (int8): re-score the best exactly. */
    readonly approximate: boolean,
  ) {}

  static async create(
    matrix: Float32Array,
    rows: number,
    dimensions: number,
    options: { quantized?: boolean; groups?: Uint8Array } = {},
  ): Promise<OrtScorer> {
    const ort = (await import('onnxruntime-node')) as unknown as Ort;
    const quantized = options.quantized ?? false;
    const codes = options.groups ?? new Uint8Array(rows);
    const members = new Map<number, number[]>();
    for (let row = 0; row < rows; row++) {
      const code = codes[row] as number;
      const list = members.get(code);
      if (list) list.push(row);
      else members.set(code, [row]);
    }
    const parts: { code: number | null; rows: Int32Array }[] = quantized
      ? [...members]
          .sort((a, b) => a[0] - b[0])
          .map(([code, list]) => ({ code, rows: Int32Array.from(list) }))
      : [{ code: null, rows: Int32Array.from({ length: rows }, (_, i) => i) }];
    const groups: Group[] = [];
    try {
      for (const { code, rows: groupRows } of parts) {
        const graph = quantized
          ? quantizedGraph(matrix, groupRows, dimensions)
          : floatGraph(matrix, rows, dimensions);
        const model = onnx.ModelProto.encode({
          irVersion: 8,
          opsetImport: [
            { domain: '', version: 17 },
            { domain: 'com.microsoft', version: 1 },
          ],
          producerName: 'm2m-mentor-bot ort-scorer',
          graph,
        }).finish();
        const session = await ort.InferenceSession.create(model, {
          intraOpNumThreads: 1,
          interOpNumThreads: 1,
          graphOptimizationLevel: 'all',
        });
        groups.push({ code, session, rows: groupRows });
      }
    } catch (error) {
      await Promise.all(groups.map((g) => g.session.release()));
      throw error;
    }
    return new OrtScorer(ort, groups, codes, rows, dimensions, quantized);
  }

  /**
   * The `k` best rows (per group at most its size) among the groups in `inGroups` (all when undefined), best
   * first; equal scores in row order.
   */
  async top(query: Float32Array, k: number, inGroups?: readonly number[]): Promise<Candidates> {
    const q = new this.ort.Tensor('float32', query, [1, this.dimensions]);
    const wanted = inGroups
      ? this.graphs.filter((g) => g.code === null || inGroups.includes(g.code))
      : this.graphs;
    const parts = await Promise.all(
      wanted.map(async (group) => {
        const feeds: Record<string, unknown> = { q, k: this.kTensor(Math.min(k, group.rows.length)) };
        if (group.code === null) feeds.bias = this.mask(inGroups);
        const out = await group.session.run(feeds);
        const indices = out.indices?.data as BigInt64Array;
        const values = out.values?.data as Float32Array;
        // Masked rows come last (-Infinity) when fewer rows than k are let through.
        let n = values.length;
        while (n > 0 && values[n - 1] === Number.NEGATIVE_INFINITY) n--;
        const rows = new Int32Array(n);
        for (let i = 0; i < n; i++) rows[i] = group.rows[Number(indices[i])] as number;
        return { rows, scores: n === values.length ? values : values.slice(0, n) };
      }),
    );
    if (parts.length === 1) return parts[0] as Candidates;
    return merge(parts, k);
  }

  /** 0 for the rows of the groups let through, -Infinity for the others. */
  private mask(inGroups?: readonly number[]): unknown {
    const key = inGroups ? inGroups.join(',') : '*';
    let tensor = this.masks.get(key);
    if (!tensor) {
      const bias = new Float32Array(this.rows);
      if (inGroups) {
        for (let row = 0; row < this.rows; row++) {
          if (!inGroups.includes(this.codes[row] as number)) bias[row] = Number.NEGATIVE_INFINITY;
        }
      }
      tensor = new this.ort.Tensor('float32', bias, [1, this.rows]);
      this.masks.set(key, tensor);
    }
    return tensor;
  }

  private kTensor(k: number): unknown {
    let tensor = this.kTensors.get(k);
    if (!tensor) {
      tensor = new this.ort.Tensor('int64', BigInt64Array.of(BigInt(k)), [1]);
      this.kTensors.set(k, tensor);
    }
    return tensor;
  }

  async release(): Promise<void> {
    await Promise.all(this.graphs.map((g) => g.session.release()));
  }
}

/** The `k` best of several best-first lists (score descending, then row ascending: as one pass over all rows). */
function merge(parts: Candidates[], k: number): Candidates {
  const all: { row: number; score: number }[] = [];
  for (const p of parts)
    for (let i = 0; i < p.rows.length; i++)
      all.push({ row: p.rows[i] as number, score: p.scores[i] as number });
  all.sort((a, b) => b.score - a.score || a.row - b.row);
  const n = Math.min(k, all.length);
  const rows = new Int32Array(n);
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    rows[i] = (all[i] as { row: number }).row;
    scores[i] = (all[i] as { score: number }).score;
  }
  return { rows, scores };
}

const INT = onnx.AttributeProto.AttributeType.INT;

/**
 * TopK over the scores (plus the input `bias` [1, maskRows] when given): the graph's outputs `values` and
 * `indices` ([1, k], best first, equal values by index).
 */
function withTopK(
  name: string,
  scoring: object[],
  initializer: object[],
  dimensions: number,
  maskRows?: number,
) {
  const masked = maskRows !== undefined;
  return {
    name,
    node: [
      ...scoring,
      ...(masked ? [{ opType: 'Add', input: ['scores', 'bias'], output: ['masked'] }] : []),
      {
        opType: 'TopK',
        input: [masked ? 'masked' : 'scores', 'k'],
        output: ['values', 'indices'],
        attribute: [{ name: 'axis', type: INT, i: -1 }],
      },
    ],
    initializer,
    input: [
      valueInfo('q', onnx.TensorProto.DataType.FLOAT, [1, dimensions]),
      valueInfo('k', onnx.TensorProto.DataType.INT64, [1]),
      ...(masked ? [valueInfo('bias', onnx.TensorProto.DataType.FLOAT, [1, maskRows])] : []),
    ],
    output: [
      valueInfo('values', onnx.TensorProto.DataType.FLOAT, [1, 'k']),
      valueInfo('indices', onnx.TensorProto.DataType.INT64, [1, 'k']),
    ],
  };
}

/** Every float32 vector as a row ([rows, dimensions], Gemm with transB), other groups masked per query. */
function floatGraph(matrix: Float32Array, rows: number, dimensions: number) {
  const packed = matrix.slice(0, rows * dimensions);
  return withTopK(
    'cosine-top',
    [
      {
        opType: 'Gemm',
        input: ['q', 'm'],
        output: ['scores'],
        attribute: [{ name: 'transB', type: INT, i: 1 }],
      },
    ],
    [
      {
        name: 'm',
        dataType: onnx.TensorProto.DataType.FLOAT,
        dims: [rows, dimensions],
        rawData: new Uint8Array(packed.buffer),
      },
    ],
    dimensions,
    rows,
  );
}

/** The group's vectors as int8 columns ([dimensions, rows]: MatMul's layout), one scale per passage. */
function quantizedGraph(matrix: Float32Array, rows: Int32Array, dimensions: number) {
  const n = rows.length;
  const columns = new Int8Array(n * dimensions);
  const scales = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const base = (rows[i] as number) * dimensions;
    let max = 0;
    for (let j = 0; j < dimensions; j++) max = Math.max(max, Math.abs(matrix[base + j] as number));
    const scale = max > 0 ? max / INT8_MAX : 1;
    scales[i] = scale;
    for (let j = 0; j < dimensions; j++) {
      columns[j * n + i] = Math.round((matrix[base + j] as number) / scale);
    }
  }
  return withTopK(
    'cosine-int8-top',
    [
      {
        opType: 'DynamicQuantizeMatMul',
        domain: 'com.microsoft',
        input: ['q', 'm', 's'],
        output: ['scores'],
      },
    ],
    [
      {
        name: 'm',
        dataType: onnx.TensorProto.DataType.INT8,
        dims: [dimensions, n],
        rawData: new Uint8Array(columns.buffer),
      },
      {
        name: 's',
        dataType: onnx.TensorProto.DataType.FLOAT,
        dims: [n],
        rawData: new Uint8Array(scales.buffer),
      },
    ],
    dimensions,
  );
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

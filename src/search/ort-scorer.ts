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

/** One group's rows (e.g. one language's passages) in their own graph. */
interface Group {
  code: number;
  session: Session;
  /** The index's row of each of the group's rows, ascending (int8 graphs). */
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
 * With int8, rows are grouped (`groups`: one code per row, e.g. the passage's language) and each group has its
 * own graph that scores and selects the best (TopK), so a query reads only the groups it may return (an English
 * question: the English rows, ~65 %) and no JavaScript pass goes over every row. The float32 graph (small
 * indexes) gives every row's score (`scores`): a top-k in ORT there measured ~0.04 ms slower than in JavaScript.
 */
export class OrtScorer {
  private readonly kTensors = new Map<number, unknown>();

  private constructor(
    private readonly ort: Ort,
    /** int8: one graph per group; float32: one graph over every row (code 0). */
    private readonly graphs: Group[],
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
    const parts: { code: number; rows: Int32Array }[] = quantized
      ? [...members]
          .sort((a, b) => a[0] - b[0])
          .map(([code, list]) => ({ code, rows: Int32Array.from(list) }))
      : [{ code: 0, rows: new Int32Array(0) }];
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
    return new OrtScorer(ort, groups, rows, dimensions, quantized);
  }

  /**
   * The `k` best rows (per group at most its size) among the groups in `inGroups` (all when undefined), best
   * first; equal scores in row order.
   */
  /** Every row's score (the float32 graph). */
  async scores(query: Float32Array): Promise<Float32Array> {
    const graph = this.graphs[0];
    if (this.approximate || !graph) throw new Error('scores come from the float32 graph');
    const out = await graph.session.run({ q: new this.ort.Tensor('float32', query, [1, this.dimensions]) });
    return out.scores?.data as Float32Array;
  }

  /**
   * The `k` best rows (per group at most its size) among the groups in `inGroups` (all when undefined), best
   * first, equal scores in row order (the int8 graphs).
   */
  async top(query: Float32Array, k: number, inGroups?: readonly number[]): Promise<Candidates> {
    if (!this.approximate) throw new Error('top comes from the int8 graphs');
    const q = new this.ort.Tensor('float32', query, [1, this.dimensions]);
    const wanted = inGroups ? this.graphs.filter((g) => inGroups.includes(g.code)) : this.graphs;
    const parts = await Promise.all(
      wanted.map(async (group) => {
        const out = await group.session.run({ q, k: this.kTensor(Math.min(k, group.rows.length)) });
        const indices = out.indices?.data as BigInt64Array;
        const rows = new Int32Array(indices.length);
        for (let i = 0; i < rows.length; i++) rows[i] = group.rows[Number(indices[i])] as number;
        return { rows, scores: out.values?.data as Float32Array };
      }),
    );
    if (parts.length === 1) return parts[0] as Candidates;
    return merge(parts, k);
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

/** TopK over the scores: the graph's outputs `values` and `indices` ([1, k], best first, equal values by index). */
function withTopK(name: string, scoring: object[], initializer: object[], dimensions: number) {
  return {
    name,
    node: [
      ...scoring,
      {
        opType: 'TopK',
        input: ['scores', 'k'],
        output: ['values', 'indices'],
        attribute: [{ name: 'axis', type: INT, i: -1 }],
      },
    ],
    initializer,
    input: [
      valueInfo('q', onnx.TensorProto.DataType.FLOAT, [1, dimensions]),
      valueInfo('k', onnx.TensorProto.DataType.INT64, [1]),
    ],
    output: [
      valueInfo('values', onnx.TensorProto.DataType.FLOAT, [1, 'k']),
      valueInfo('indices', onnx.TensorProto.DataType.INT64, [1, 'k']),
    ],
  };
}

/** Every float32 vector as a row ([rows, dimensions], Gemm with transB): output `scores` [1, rows]. */
function floatGraph(matrix: Float32Array, rows: number, dimensions: number) {
  return {
    name: 'cosine',
    node: [
      {
        opType: 'Gemm',
        input: ['q', 'm'],
        output: ['scores'],
        attribute: [{ name: 'transB', type: INT, i: 1 }],
      },
    ],
    initializer: [
      {
        name: 'm',
        dataType: onnx.TensorProto.DataType.FLOAT,
        dims: [rows, dimensions],
        rawData: new Uint8Array(matrix.buffer, matrix.byteOffset, rows * dimensions * 4),
      },
    ],
    input: [valueInfo('q', onnx.TensorProto.DataType.FLOAT, [1, dimensions])],
    output: [valueInfo('scores', onnx.TensorProto.DataType.FLOAT, [1, rows])],
  };
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

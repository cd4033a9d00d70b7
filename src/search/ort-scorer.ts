import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The parts of onnxruntime-node used here (imported lazily: loading it costs time and memory). */
interface Ort {
  InferenceSession: { create(model: Uint8Array, options: object): Promise<Session> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
}
interface Session {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
  release(): Promise<void>;
}

/**
 * Exact cosine scores of a query against every passage vector as one Gemm in onnxruntime (MLAS's vectorised
 * kernels): at 10,000 passages it is many times faster than a JavaScript loop, which would cost as much as the
 * model's forward pass. The vectors are the graph's constant, so each query copies only 384 floats in.
 */
export class OrtScorer {
  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    readonly rows: number,
    readonly dimensions: number,
  ) {}

  static async create(matrix: Float32Array, rows: number, dimensions: number): Promise<OrtScorer> {
    const ort = (await import('onnxruntime-node')) as unknown as Ort;
    const model = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      producerName: 'm2m-mentor-bot ort-scorer',
      graph: {
        name: 'cosine',
        node: [
          {
            opType: 'Gemm',
            input: ['q', 'm'],
            output: ['scores'],
            attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
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
        input: [floatInfo('q', [1, dimensions])],
        output: [floatInfo('scores', [1, rows])],
      },
    }).finish();
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    return new OrtScorer(ort, session, rows, dimensions);
  }

  async scores(query: Float32Array): Promise<Float32Array> {
    const out = await this.session.run({ q: new this.ort.Tensor('float32', query, [1, this.dimensions]) });
    return out.scores?.data as Float32Array;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

function floatInfo(name: string, dims: number[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => ({ dimValue: d })) },
      },
    },
  };
}

/**
 * The worker-thread side of ./worker-embedder.ts: loads the transformers.js embedder and answers one request at a
 * time (the pool never sends a second before the first is answered). A query worker also keeps passage vectors
 * (shared memory, not copied) and ranks a query against them in the same round trip as its embedding.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { VectorIndex } from '../vector-index.js';
import { createTransformersEmbedder, type TransformersEmbedderOptions } from './transformers-embedder.js';

export interface WorkerData {
  options: TransformersEmbedderOptions;
  /** Nice value for this thread (Linux: per thread), so batch work yields the CPU to queries and the bot. */
  nice?: number;
}

export type WorkerRequest =
  | { id: number; op: 'embed'; texts: string[] }
  | { id: number; op: 'time'; text: string }
  | { id: number; op: 'load'; key: string; matrix: Float32Array; rowLangs: Uint8Array }
  | { id: number; op: 'drop'; key: string }
  | {
      id: number;
      op: 'query';
      text: string;
      key: string;
      langs: number[];
      limit: number;
      /** Post the question's vector as soon as it is computed (an `early` reply), before ranking. */
      early?: boolean;
    };

export type WorkerReply =
  | { type: 'ready'; modelId: string; dimensions: number; maxTokens: number }
  | { type: 'failed'; message: string }
  | { id: number; early: true; vectors: Float32Array }
  | { id: number; ok: true; vectors?: Float32Array; ms?: number; indices?: Int32Array; scores?: Float32Array }
  | { id: number; ok: false; message: string };

const port = parentPort;
if (!port) throw new Error('embed-worker must run in a worker thread');
const data = workerData as WorkerData;
if (data.nice) {
  try {
    setPriority(0, data.nice);
  } catch {
    // Not allowed here (some containers): run at normal priority.
  }
}

const indexes = new Map<string, VectorIndex>();

try {
  const embedder = await createTransformersEmbedder(data.options);
  port.on('message', (request: WorkerRequest) => {
    handle(request).then(
      ({ reply, transfer }) => port.postMessage(reply, transfer),
      (error: unknown) =>
        port.postMessage({ id: request.id, ok: false, message: String(error) } satisfies WorkerReply),
    );
  });
  port.postMessage({
    type: 'ready',
    modelId: embedder.modelId,
    dimensions: embedder.dimensions,
    maxTokens: embedder.maxTokens,
  } satisfies WorkerReply);

  async function handle(request: WorkerRequest): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
    switch (request.op) {
      case 'embed': {
        const flat = pack(await embedder.embed(request.texts), embedder.dimensions);
        return { reply: { id: request.id, ok: true, vectors: flat }, transfer: [flat.buffer as ArrayBuffer] };
      }
      case 'time':
        return {
          reply: { id: request.id, ok: true, ms: await embedder.timeForwardPass(request.text) },
          transfer: [],
        };
      case 'load': {
        const index = VectorIndex.over(embedder.dimensions, request.matrix, request.rowLangs);
        // onnxruntime is loaded here already (it runs the model): score in it at every size.
        await index.accelerate(1);
        await indexes.get(request.key)?.release();
        indexes.set(request.key, index);
        return { reply: { id: request.id, ok: true }, transfer: [] };
      }
      case 'drop':
        await indexes.get(request.key)?.release();
        indexes.delete(request.key);
        return { reply: { id: request.id, ok: true }, transfer: [] };
      case 'query': {
        const [vector] = await embedder.embed([request.text]);
        const index = indexes.get(request.key);
        if (!vector || !index) throw new Error(`no vectors loaded under ${request.key}`);
        // The bot's thread can use the vector (e.g. the semantic danger check) while this thread ranks.
        if (request.early)
          parentPort?.postMessage({ id: request.id, early: true, vectors: vector } satisfies WorkerReply);
        const ranked = await index.rank(vector, request.limit, request.langs);
        const indices = Int32Array.from(ranked, (r) => r.index);
        const best = Float32Array.from(ranked, (r) => r.score);
        if (request.early)
          return {
            reply: { id: request.id, ok: true, indices, scores: best },
            transfer: [indices.buffer, best.buffer],
          };
        return {
          reply: { id: request.id, ok: true, vectors: vector, indices, scores: best },
          transfer: [vector.buffer as ArrayBuffer, indices.buffer, best.buffer],
        };
      }
    }
  }
} catch (error) {
  port.postMessage({
    type: 'failed',
    message: (error as Error)?.message ?? String(error),
  } satisfies WorkerReply);
}

function pack(vectors: Float32Array[], dimensions: number): Float32Array {
  const flat = new Float32Array(vectors.length * dimensions);
  vectors.forEach((v, i) => {
    flat.set(v, i * dimensions);
  });
  return flat;
}

/**
 * The Embedder port over worker threads, so model inference never runs on the bot's event loop:
 * - one query worker, kept for the process's life, embeds questions (and ranks them against the passage vectors it
 *   holds in shared memory): a question never waits behind a batch of passages;
 * - batch workers, one per core (`os.availableParallelism()`), started when passages are to be embedded, at a
 *   lower CPU priority, and stopped after a quiet minute (each holds its own copy of the model).
 *
 * The worker script is `embed-worker.js` next to this file when compiled (`node dist/main.js`); under tsx or
 * vitest it is the `.ts` source, loaded through a small bootstrap that registers tsx in the worker (Node cannot
 * start a worker on a `.ts` file, and a worker does not inherit the parent's loader hooks on Node 20).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startScriptWorker } from '../../workers/start-worker.js';
import type { VectorRanker } from '../embedder.js';
import type { Ranked } from '../keyword-index.js';
import type { WorkerReply, WorkerRequest } from './embed-worker.js';
import type { TransformersEmbedder, TransformersEmbedderOptions } from './transformers-embedder.js';

export interface WorkerEmbedderOptions extends TransformersEmbedderOptions {
  /** Batch workers; default `os.availableParallelism()`. */
  batchWorkers?: number;
  /** Batch workers stop after this long without work (ms); default 60 s. */
  batchIdleMs?: number;
  /** Nice value of the batch workers' threads (Linux); default 10. */
  batchNice?: number;
}

export interface WorkerEmbedder extends TransformersEmbedder, VectorRanker {
  /** Workers running now (query + batch), for status and tests. */
  readonly workers: { query: boolean; batch: number };
}

/** A request without its id (the lane numbers them). */
type RequestBody = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** Passages per message to a batch worker: long passages gain nothing from bigger batches. */
const CHUNK = 8;
const DEFAULT_IDLE_MS = 60_000;

interface Pending {
  resolve(reply: Extract<WorkerReply, { ok: true }>): void;
  reject(error: Error): void;
  /** An `early` reply's vector, before the final reply. */
  early?(vector: Float32Array): void;
}

/** One worker thread and its requests in flight. */
class Lane {
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private nextId = 1;
  private closed = false;
  readonly ready: Promise<Extract<WorkerReply, { type: 'ready' }>>;
  busy = 0;
  isReady = false;
  idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly worker: Worker,
    onExit: (lane: Lane) => void,
  ) {
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if ('type' in reply) {
          if (reply.type === 'ready') {
            this.isReady = true;
            resolve(reply);
          } else reject(new Error(`the embedding worker could not load the model: ${reply.message}`));
          return;
        }
        if ('early' in reply) {
          try {
            this.pending.get(reply.id)?.early?.(reply.vectors);
          } catch {
            // The caller's own work on the vector: its failure must not stop this thread.
          }
          return;
        }
        const pending = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (!pending) return;
        if (reply.ok) pending.resolve(reply);
        else pending.reject(new Error(reply.message));
      });
      const fail = (error: Error) => {
        reject(error);
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
        this.closed = true;
        onExit(this);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the embedding worker stopped (exit code ${code})`)));
    });
    // Nobody may be waiting yet; failures also reach every request.
    this.ready.catch(() => undefined);
  }

  /** Posts at once when the worker is ready (so the caller's next synchronous work overlaps with it). */
  request(
    message: RequestBody,
    transfer: ArrayBuffer[] = [],
    early?: (vector: Float32Array) => void,
  ): Promise<Extract<WorkerReply, { ok: true }>> {
    if (this.isReady) return this.post(message, transfer, early);
    return this.ready.then(() => this.post(message, transfer, early));
  }

  private post(
    message: RequestBody,
    transfer: ArrayBuffer[],
    early?: (vector: Float32Array) => void,
  ): Promise<Extract<WorkerReply, { ok: true }>> {
    if (this.closed) return Promise.reject(new Error('the embedding worker stopped'));
    const id = this.nextId++;
    this.busy++;
    const request = new Promise<Extract<WorkerReply, { ok: true }>>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, early });
      this.worker.postMessage({ ...message, id } as WorkerRequest, transfer);
    }).finally(() => {
      this.busy--;
      this.inFlight.delete(request);
    });
    this.inFlight.add(request);
    return request;
  }

  /**
   * Stops the worker once the model run in flight is over (a worker stopped in the middle of an onnxruntime run can
   * abort the whole process); no new request is taken meanwhile. Gives up waiting after `graceMs`.
   */
  async terminate(graceMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.worker.terminate();
  }
}

export async function createWorkerEmbedder(options: WorkerEmbedderOptions): Promise<WorkerEmbedder> {
  const modelOptions: TransformersEmbedderOptions = {
    model: options.model,
    cacheDir: options.cacheDir,
    threads: options.threads ?? 1,
    batchSize: options.batchSize,
  };
  const batchCount = Math.max(1, options.batchWorkers ?? availableParallelism());
  const idleMs = options.batchIdleMs ?? DEFAULT_IDLE_MS;
  const nice = options.batchNice ?? 10;

  let query: Lane | null = null;
  const batch = new Set<Lane>();
  /** Vectors loaded into the query worker, sent again if it has to be restarted. */
  const loaded = new Map<string, { matrix: Float32Array; rowLangs: Uint8Array }>();
  let closed = false;

  const queryLane = (): Lane => {
    if (query) return query;
    const lane = new Lane(
      startScriptWorker(import.meta.url, 'embed-worker', { workerData: { options: modelOptions } }),
      (l) => {
        if (query === l) query = null;
      },
    );
    query = lane;
    for (const [key, v] of loaded) void lane.request({ op: 'load', key, ...v }).catch(() => undefined);
    return lane;
  };

  // The query worker starts first and builds the bundled model if needed (seconds of CPU, off this thread);
  // batch workers start after it, so they never race to convert it.
  const first = queryLane();
  const info = await first.ready.catch(async (error: unknown) => {
    await first.terminate();
    throw error;
  });

  const batchLane = (): Lane => {
    const lane = new Lane(
      startScriptWorker(import.meta.url, 'embed-worker', { workerData: { options: modelOptions, nice } }),
      (l) => {
        batch.delete(l);
      },
    );
    batch.add(lane);
    return lane;
  };

  const idle = (lane: Lane) => {
    if (lane.idleTimer) clearTimeout(lane.idleTimer);
    lane.idleTimer = setTimeout(() => {
      if (lane.busy === 0) {
        batch.delete(lane);
        void lane.terminate();
      }
    }, idleMs);
    lane.idleTimer.unref();
  };

  const embedBatch = async (texts: string[]): Promise<Float32Array[]> => {
    // Similar lengths share a chunk, so short texts are not padded up to a long one.
    const order = texts.map((_, i) => i).sort((a, b) => (texts[b]?.length ?? 0) - (texts[a]?.length ?? 0));
    const chunks: number[][] = [];
    for (let at = 0; at < order.length; at += CHUNK) chunks.push(order.slice(at, at + CHUNK));
    const out: Float32Array[] = new Array(texts.length);
    const lanes = [...batch];
    while (lanes.length < Math.min(batchCount, chunks.length)) lanes.push(batchLane());
    let next = 0;
    await Promise.all(
      lanes.map(async (lane) => {
        if (lane.idleTimer) clearTimeout(lane.idleTimer);
        try {
          for (let c = next++; c < chunks.length; c = next++) {
            const indices = chunks[c] as number[];
            const reply = await lane.request({ op: 'embed', texts: indices.map((i) => texts[i] ?? '') });
            const flat = reply.vectors as Float32Array;
            indices.forEach((index, k) => {
              out[index] = flat.slice(k * info.dimensions, (k + 1) * info.dimensions);
            });
          }
        } finally {
          idle(lane);
        }
      }),
    );
    return out;
  };

  const unflatten = (flat: Float32Array): Float32Array[] => {
    const vectors: Float32Array[] = [];
    for (let at = 0; at < flat.length; at += info.dimensions)
      vectors.push(flat.slice(at, at + info.dimensions));
    return vectors;
  };

  return {
    modelId: info.modelId,
    dimensions: info.dimensions,
    maxTokens: info.maxTokens,
    get workers() {
      return { query: query !== null, batch: batch.size };
    },
    async embed(texts: string[]): Promise<Float32Array[]> {
      if (closed) throw new Error('embedder is closed');
      if (texts.length === 0) return [];
      // One text is a question (or a tiny edit): the query worker. More: the batch workers.
      if (texts.length === 1)
        return unflatten((await queryLane().request({ op: 'embed', texts })).vectors as Float32Array);
      return embedBatch(texts);
    },
    async timeForwardPass(text: string): Promise<number> {
      if (closed) throw new Error('embedder is closed');
      return (await queryLane().request({ op: 'time', text })).ms as number;
    },
    async loadVectors(key, matrix, rowLangs) {
      loaded.set(key, { matrix, rowLangs });
      await queryLane().request({ op: 'load', key, matrix, rowLangs });
    },
    async dropVectors(key) {
      if (!loaded.delete(key)) return;
      await query?.request({ op: 'drop', key }).catch(() => undefined);
    },
    async embedAndRank(text, key, langs, limit, onVector) {
      if (closed) throw new Error('embedder is closed');
      let vector: Float32Array | undefined;
      const early = onVector
        ? (v: Float32Array) => {
            vector = v;
            onVector(v);
          }
        : undefined;
      const reply = await queryLane().request(
        { op: 'query', text, key, langs, limit, early: early !== undefined },
        [],
        early,
      );
      const indices = reply.indices as Int32Array;
      const scores = reply.scores as Float32Array;
      const ranked: Ranked[] = Array.from(indices, (index, i) => ({ index, score: scores[i] as number }));
      return { vector: (reply.vectors ?? vector) as Float32Array, ranked };
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const lanes = [...batch, ...(query ? [query] : [])];
      batch.clear();
      query = null;
      await Promise.all(lanes.map((l) => l.terminate()));
    },
  };
}

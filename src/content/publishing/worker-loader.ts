/**
 * A ContentLoader over a worker thread (./check-worker.ts): loading and checking the whole content (~180 YAML
 * files, ~2 MB) takes 100-250 ms of CPU, which would stall every conversation if it ran on the bot's thread.
 * The worker starts on the first load and stops after a quiet while; it never keeps the process alive.
 *
 * As with the embedding workers, the script is `check-worker.js` beside this file when compiled, and under tsx or
 * vitest the `.ts` source loaded through a bootstrap that registers tsx in the worker.
 */
import type { Worker } from 'node:worker_threads';
import { startScriptWorker } from '../../workers/start-worker.js';
import type { TreeChanges } from '../versions/content-tree.js';
import type { ContentLoader } from '../versions/version-store.js';
import type { CheckReply, CheckRequest } from './check-worker.js';
import type { Preview } from './types.js';

/** An upload's preview built beside the content: the live version's folder and the staged one. */
export type Previewer = (liveDir: string, nextDir: string, changes: TreeChanges) => Promise<Preview>;

export interface WorkerLoader {
  load: ContentLoader;
  preview: Previewer;
  /** Stops the worker (a request in flight rejects). */
  close(): Promise<void>;
}

/** A request without its id. */
type Body = CheckRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;
type Done = Extract<CheckReply, { ok: true }>;

const DEFAULT_IDLE_MS = 60_000;

export function createWorkerLoader(options: { idleMs?: number } = {}): WorkerLoader {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  let worker: Worker | null = null;
  let nextId = 1;
  let idleTimer: NodeJS.Timeout | null = null;
  let closed = false;
  const pending = new Map<number, { resolve(reply: Done): void; reject(e: Error): void }>();

  const fail = (w: Worker, error: Error) => {
    if (worker !== w) return;
    worker = null;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const w = startScriptWorker(import.meta.url, 'check-worker');
    w.on('message', (reply: CheckReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) idle(w);
      if (!p) return;
      if (reply.ok) p.resolve(reply);
      else p.reject(new Error(reply.message));
    });
    w.on('error', (error) => fail(w, error));
    w.on('exit', (code) => fail(w, new Error(`the content check worker stopped (exit code ${code})`)));
    return w;
  };

  // Idle, the worker neither holds the process open nor lingers: it stops after idleMs.
  const idle = (w: Worker) => {
    w.unref();
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (worker === w && pending.size === 0) {
        worker = null;
        void w.terminate();
      }
    }, idleMs);
    idleTimer.unref();
  };

  const request = (body: Body): Promise<Done> => {
    if (closed) return Promise.reject(new Error('the content check worker is closed'));
    if (idleTimer) clearTimeout(idleTimer);
    worker ??= start();
    const w = worker;
    w.ref();
    const id = nextId++;
    return new Promise<Done>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage({ ...body, id } as CheckRequest);
    });
  };

  return {
    async load(dir) {
      const reply = await request({ op: 'load', dir });
      if (!('loaded' in reply)) throw new Error('the content check worker answered another request');
      return reply.loaded;
    },
    async preview(liveDir, nextDir, changes) {
      const reply = await request({ op: 'preview', liveDir, nextDir, changes });
      if (!('preview' in reply)) throw new Error('the content check worker answered another request');
      return reply.preview;
    },
    async close() {
      closed = true;
      if (idleTimer) clearTimeout(idleTimer);
      const w = worker;
      if (!w) return;
      fail(w, new Error('the content check worker is closed'));
      await w.terminate();
    },
  };
}

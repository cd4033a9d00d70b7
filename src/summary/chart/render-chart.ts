/**
 * The summary chart (issue 12) rendered in a worker thread (./chart-worker.ts), so drawing never blocks a
 * conversation. The worker starts on the first render and stops after a quiet while; it never keeps the process
 * alive. Like the content check worker, the script is `chart-worker.js` beside this file when compiled, and under
 * tsx or vitest the `.ts` source loaded through a bootstrap that registers tsx in the worker.
 */
import type { Worker } from 'node:worker_threads';
import { startScriptWorker } from '../../workers/start-worker.js';
import type { ChartData, ChartRenderer } from './chart-data.js';
import type { ChartReply, ChartRequest } from './chart-worker.js';

export type { ChartData, ChartRenderer, ChartSeries } from './chart-data.js';
export { URGENCY_COLORS } from './palette.js';

const DEFAULT_IDLE_MS = 60_000;

/**
 * Draws on the calling thread: for the worker, benchmarks and the command line, not for the bot. The drawing
 * code (Chart.js, the native canvas) is loaded only when first asked for.
 */
export async function renderSummaryChart(data: ChartData): Promise<Uint8Array> {
  const { drawSummaryChart } = await import('./draw-chart.js');
  return drawSummaryChart(data);
}

export function createChartRenderer(options: { idleMs?: number } = {}): ChartRenderer {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  let worker: Worker | null = null;
  let nextId = 1;
  let idleTimer: NodeJS.Timeout | null = null;
  let closed = false;
  const pending = new Map<number, { resolve(png: Uint8Array): void; reject(e: Error): void }>();

  const fail = (w: Worker, error: Error) => {
    if (worker !== w) return;
    worker = null;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const w = startScriptWorker(import.meta.url, 'chart-worker');
    w.on('message', (reply: ChartReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) idle(w);
      if (!p) return;
      if (reply.ok) p.resolve(reply.png);
      else p.reject(new Error(reply.message));
    });
    w.on('error', (error) => fail(w, error));
    w.on('exit', (code) => fail(w, new Error(`the chart worker stopped (exit code ${code})`)));
    return w;
  };

  // Idle, the worker neither holds the process open nor keeps its ~40 MB: it stops after idleMs.
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

  return {
    render(data) {
      if (closed) return Promise.reject(new Error('the chart renderer is closed'));
      if (idleTimer) clearTimeout(idleTimer);
      worker ??= start();
      const w = worker;
      w.ref();
      const id = nextId++;
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, data } satisfies ChartRequest);
      });
    },
    async close() {
      closed = true;
      if (idleTimer) clearTimeout(idleTimer);
      const w = worker;
      if (!w) return;
      fail(w, new Error('the chart renderer is closed'));
      await w.terminate();
    },
  };
}

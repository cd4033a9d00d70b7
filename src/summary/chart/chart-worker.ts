/**
 * The worker-thread side of ./render-chart.ts: draws charts so the bot's event loop never spends the 60-150 ms of
 * CPU one takes. One request at a time; the PNG's bytes are transferred back, not copied.
 */
import { parentPort } from 'node:worker_threads';
import type { ChartData } from './chart-data.js';
import { drawSummaryChart } from './draw-chart.js';

export interface ChartRequest {
  id: number;
  data: ChartData;
}

export type ChartReply =
  | { id: number; ok: true; png: Uint8Array }
  | { id: number; ok: false; message: string };

const port = parentPort;
if (!port) throw new Error('chart-worker runs in a worker thread');
port.on('message', (request: ChartRequest) => {
  drawSummaryChart(request.data).then(
    (png) =>
      port.postMessage({ id: request.id, ok: true, png } satisfies ChartReply, [png.buffer as ArrayBuffer]),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        ok: false,
        message: (error as Error)?.message ?? String(error),
      } satisfies ChartReply),
  );
});

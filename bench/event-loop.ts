/**
 * Event-loop delay during a cold start (fresh DATA_DIR, fresh cache: the model is converted and every passage
 * embedded), measured with perf_hooks.monitorEventLoopDelay from just before the app is created until semantic
 * search is ready. Run as its own process per mode, so each starts cold:
 * - `worker`: the bot as it runs (the model in worker threads);
 * - `main-thread`: the same with the transformers.js embedder on the main thread (how it was before);
 * - `idle`: the same process doing nothing for a few seconds (the floor of this machine).
 * Also measures passage-embedding throughput (`throughput` mode): worker pool vs one thread.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { projectRoot } from '../src/paths.js';
import { createTransformersEmbedder } from '../src/search/model/transformers-embedder.js';
import { createWorkerEmbedder } from '../src/search/model/worker-embedder.js';
import { passagesOf, passageText } from '../src/search/passages.js';

export type LoopMode = 'worker' | 'main-thread' | 'idle';

export interface Delay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoopFigures {
  mode: LoopMode;
  /** While the bot serves: app ready (the bot would be listening) until semantic search is ready. */
  serving: Delay;
  /** The whole start: content loading and index building before the bot listens included. */
  whole: Delay;
  /** How long the serving window was. */
  seconds: number;
}

export interface ThroughputFigures {
  passages: number;
  workers: number;
  workerPassagesPerSecond: number;
  oneThreadPassagesPerSecond: number;
}

/** The histogram's sampling period; its figures include it (an idle loop reads ~1 ms). */
const RESOLUTION_MS = 1;

const delay = (h: ReturnType<typeof monitorEventLoopDelay>): Delay => ({
  // nanoseconds
  p50Ms: h.percentile(50) / 1e6,
  p99Ms: h.percentile(99) / 1e6,
  maxMs: h.max / 1e6,
});

async function measure(mode: LoopMode): Promise<LoopFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'm2m-loop-data-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'm2m-loop-cache-'));
  const whole = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const serving = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  whole.enable();
  let started = performance.now();
  try {
    if (mode === 'idle') {
      serving.enable();
      await new Promise((resolve) => setTimeout(resolve, 5000));
    } else {
      const app = await createApp(
        loadConfig({ DATA_DIR: dataDir, CACHE_DIR: cacheDir, LOG_LEVEL: 'silent' }),
        {
          logger: silentLogger(),
          embedder:
            mode === 'main-thread'
              ? () => createTransformersEmbedder({ cacheDir })
              : () => createWorkerEmbedder({ cacheDir }),
        },
      );
      serving.enable();
      started = performance.now();
      await app.services.search.warmUp();
      serving.disable();
      await app.close();
    }
    whole.disable();
    serving.disable();
    return {
      mode,
      serving: delay(serving),
      whole: delay(whole),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** Every real passage embedded by the worker pool and by one thread (model loaded first, not timed). */
async function throughput(): Promise<ThroughputFigures> {
  const cacheDir = join(tmpdir(), 'm2m-test-cache');
  const dataDir = mkdtempSync(join(tmpdir(), 'm2m-loop-data-'));
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, CACHE_DIR: cacheDir, LOG_LEVEL: 'silent' }), {
    logger: silentLogger(),
    lock: false,
  });
  const texts = passagesOf(app.services.catalog).map(passageText);
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });

  const pool = await createWorkerEmbedder({ cacheDir });
  await pool.embed(texts.slice(0, 2)); // starts the batch workers
  let started = performance.now();
  await pool.embed(texts);
  const workerSeconds = (performance.now() - started) / 1000;
  const workers = pool.workers.batch;
  await pool.close();

  const one = await createTransformersEmbedder({ cacheDir });
  started = performance.now();
  await one.embed(texts);
  const oneSeconds = (performance.now() - started) / 1000;
  await one.close();
  return {
    passages: texts.length,
    workers,
    workerPassagesPerSecond: texts.length / workerSeconds,
    oneThreadPassagesPerSecond: texts.length / oneSeconds,
  };
}

function child<T>(arg: string): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/event-loop.ts', arg], {
    cwd: projectRoot,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T;
}

/** Each mode in its own fresh process (cold module state, cold caches). */
export function eventLoopBench(): {
  loop: Record<LoopMode, LoopFigures>;
  throughput: ThroughputFigures;
  cores: number;
} {
  return {
    loop: {
      idle: child<LoopFigures>('idle'),
      worker: child<LoopFigures>('worker'),
      'main-thread': child<LoopFigures>('main-thread'),
    },
    throughput: child<ThroughputFigures>('throughput'),
    cores: availableParallelism(),
  };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const arg = process.argv[2] ?? 'worker';
  const result = arg === 'throughput' ? await throughput() : await measure(arg as LoopMode);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

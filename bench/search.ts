import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { projectRoot } from '../src/paths.js';
import { createTransformersEmbedder } from '../src/search/model/transformers-embedder.js';
import { createWorkerEmbedder } from '../src/search/model/worker-embedder.js';
import { SearchEngine } from '../src/search/search-engine.js';
import { type LatencyFigures, measureLatency, syntheticEngine } from './search-latency.js';
import { type QualityResult, searchQuality } from './search-quality.js';

export interface StartupFigures {
  appReadyMs: number;
  searchReadyMs: number;
  rssMb: number;
  heapUsedMb: number;
}

export interface SearchBenchResult {
  quality: QualityResult;
  /** The bot's set-up: the model in a worker thread, which also ranks; BM25 on the main thread meanwhile. */
  realSize: LatencyFigures;
  large: LatencyFigures;
  /** Baseline in the same run: the model on the main thread (as before), ranking there too. */
  mainThread: { realSize: LatencyFigures; large: LatencyFigures };
  startup: { tsx: StartupFigures; compiled: StartupFigures | null };
}

const LARGE = 10_000;

function startup(loader: string[], script: string, env: Record<string, string>): StartupFigures {
  const out = execFileSync(process.execPath, [...loader, script], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as StartupFigures;
}

/** Starts `node dist/main.js`, waits for its "search ready" log line, and reads its memory from /proc. */
function botStartup(env: Record<string, string>): Promise<StartupFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: projectRoot,
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the bot did not get search-ready in 60 s'));
    }, 60_000);
    let appReadyMs = 0;
    createInterface({ input: child.stderr }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; sinceProcessStartMs?: number; time?: number };
      if (entry.msg === 'bot ready') appReadyMs = entry.sinceProcessStartMs ?? 0;
      if (entry.msg !== 'search ready') return;
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      clearTimeout(timer);
      child.kill('SIGTERM');
      resolve({
        appReadyMs,
        searchReadyMs: entry.sinceProcessStartMs ?? 0,
        rssMb: rssKb / 1024,
        heapUsedMb: 0,
      });
    });
  });
}

/** Search quality per language and mode, query latency against the bare model, start-up and memory. */
export async function searchBench(): Promise<SearchBenchResult> {
  const cacheDir = join(tmpdir(), 'm2m-bench-cache');
  const dataDir = mkdtempSync(join(tmpdir(), 'm2m-bench-'));
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, CACHE_DIR: cacheDir, LOG_LEVEL: 'silent' }), {
    logger: silentLogger(),
  });
  const embedder = await createWorkerEmbedder({ cacheDir });
  const engine = await SearchEngine.build({ catalog: app.services.catalog, embedder, cacheDir });
  const quality = await searchQuality(engine);
  const realSize = await measureLatency(engine, embedder);
  const largeEngine = await syntheticEngine(app.services.catalog, engine, embedder, LARGE);
  const large = await measureLatency(largeEngine, embedder);
  await largeEngine.release();

  const local = await createTransformersEmbedder({ cacheDir });
  const localEngine = await SearchEngine.build({ catalog: app.services.catalog, embedder: local, cacheDir });
  const mainThread = {
    realSize: await measureLatency(localEngine, local),
    large: await measureLatency(
      await syntheticEngine(app.services.catalog, localEngine, local, LARGE),
      local,
    ),
  };
  await local.close();
  await embedder.close();
  await app.close();

  const env = { DATA_DIR: dataDir, CACHE_DIR: cacheDir };
  startup(['--import', 'tsx'], 'bench/search-startup.ts', env);
  const tsx = startup(['--import', 'tsx'], 'bench/search-startup.ts', env);
  // The compiled build, as `npm start` and the Docker image run it: process start to search-ready, and memory then.
  let compiled: StartupFigures | null = null;
  try {
    execFileSync('npm', ['run', '-s', 'build'], { cwd: projectRoot, stdio: 'ignore' });
    compiled = await botStartup({ ...env, PORT: '0', WEBCHAT: 'off' });
  } catch {
    compiled = null;
  }
  return { quality, realSize, large, mainThread, startup: { tsx, compiled } };
}

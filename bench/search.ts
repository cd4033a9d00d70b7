import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { projectRoot } from '../src/paths.js';
import { createTransformersEmbedder } from '../src/search/model/transformers-embedder.js';
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
  realSize: LatencyFigures;
  large: LatencyFigures;
  startup: { tsx: StartupFigures; compiledCliQueryMs: number | null };
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

/** Search quality per language and mode, query latency against the bare model, start-up and memory. */
export async function searchBench(): Promise<SearchBenchResult> {
  const cacheDir = join(tmpdir(), 'm2m-bench-cache');
  const dataDir = mkdtempSync(join(tmpdir(), 'm2m-bench-'));
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, CACHE_DIR: cacheDir, LOG_LEVEL: 'silent' }), {
    logger: silentLogger(),
  });
  const embedder = await createTransformersEmbedder({ cacheDir });
  const engine = await SearchEngine.build({ catalog: app.services.catalog, embedder, cacheDir });
  const quality = await searchQuality(engine);
  const realSize = await measureLatency(engine, embedder);
  const large = await measureLatency(
    await syntheticEngine(app.services.catalog, engine, embedder, LARGE),
    embedder,
  );
  await embedder.close();
  await app.close();

  const env = { DATA_DIR: dataDir, CACHE_DIR: cacheDir };
  startup(['--import', 'tsx'], 'bench/search-startup.ts', env);
  const tsx = startup(['--import', 'tsx'], 'bench/search-startup.ts', env);
  // The compiled build (as the Docker image runs it): a whole `search` command, process start to exit.
  let compiledCliQueryMs: number | null = null;
  try {
    execFileSync('npm', ['run', '-s', 'build'], { cwd: projectRoot, stdio: 'ignore' });
    const args = ['dist/cli/main.js', 'search', '--json', 'how does TB spread?'];
    execFileSync(process.execPath, args, {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const started = performance.now();
    execFileSync(process.execPath, args, {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    compiledCliQueryMs = performance.now() - started;
  } catch {
    compiledCliQueryMs = null;
  }
  return { quality, realSize, large, startup: { tsx, compiledCliQueryMs } };
}

/**
 * `npx tsx bench/search-quick.ts`: search quality and hybrid latency (real size and 10,000 passages) alone, in a
 * minute or two: the part of `npm run bench` that issue 9's latency aim is about, without the start-up and
 * main-thread baselines.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { createWorkerEmbedder } from '../src/search/model/worker-embedder.js';
import { SearchEngine } from '../src/search/search-engine.js';
import { type LatencyFigures, measureLatency, syntheticEngine } from './search-latency.js';
import { formatQuality, searchQuality } from './search-quality.js';

const cacheDir = join(tmpdir(), 'm2m-bench-cache');
const app = await createApp(
  loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'm2m-bench-')),
    CACHE_DIR: cacheDir,
    LOG_LEVEL: 'silent',
  }),
  { logger: silentLogger() },
);
const embedder = await createWorkerEmbedder({ cacheDir });
const engine = await SearchEngine.build({ catalog: app.services.catalog, embedder, cacheDir });
const skipQuality = process.argv.includes('--latency');
if (!skipQuality) process.stdout.write(`${formatQuality(await searchQuality(engine))}\n`);
const rows: LatencyFigures[] = [await measureLatency(engine, embedder)];
const large = await syntheticEngine(app.services.catalog, engine, embedder, 10_000);
rows.push(await measureLatency(large, embedder));
await large.release();
await embedder.close();
await app.close();

const ms = (x: number) => x.toFixed(2).padStart(7);
process.stdout.write(
  `passages  hybrid p50/p90/p95        semantic p50/p90          bare pass p50/p90/p95     hybrid over bare (p50)\n`,
);
for (const f of rows) {
  process.stdout.write(
    `${String(f.passages).padStart(8)}  ${ms(f.endToEnd.p50Ms)}${ms(f.endToEnd.p90Ms)}${ms(f.endToEnd.p95Ms)}  ${ms(f.semantic.p50Ms)}${ms(f.semantic.p90Ms)}     ${ms(f.forwardPass.p50Ms)}${ms(f.forwardPass.p90Ms)}${ms(f.forwardPass.p95Ms)}   +${(f.overhead * 100).toFixed(0)} %\n`,
  );
}

/**
 * Run as its own process by bench/search.ts: the time from process start to a search-ready bot (content loaded,
 * store open, model loaded, passage vectors read from the warm cache), and the memory then. Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';

const app = await createApp(loadConfig({ LOG_LEVEL: 'silent', ...process.env }), {
  lock: false,
  logger: silentLogger(),
});
const appReadyMs = performance.now();
await app.services.search.ready();
await app.services.search.search('how does TB spread?', 'en');
const searchReadyMs = performance.now();
const memory = process.memoryUsage();
await app.close();
process.stdout.write(
  `${JSON.stringify({ appReadyMs, searchReadyMs, rssMb: memory.rss / 2 ** 20, heapUsedMb: memory.heapUsed / 2 ** 20 })}\n`,
);

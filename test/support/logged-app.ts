import { Writable } from 'node:stream';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging/logger.js';
import { FixedClock, SeededIds, tempDataDir, testCacheDir } from './fakes.js';

/**
 * An app whose logs (the real JSON lines pino writes, at trace level) are kept, to check what a log line
 * carries and what it must not.
 */
export async function makeLoggedApp(): Promise<{ app: App; logs: () => string }> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ DATA_DIR: tempDataDir(), LOG_LEVEL: 'trace', CACHE_DIR: testCacheDir() });
  const app = await createApp(config, {
    logger: createLogger('trace', sink),
    clock: new FixedClock(),
    ids: new SeededIds(),
    sessionWriteDelayMs: 5,
  });
  return { app, logs: () => lines.join('') };
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { Clock, Ids } from '../../src/core/clock.js';
import { silentLogger } from '../../src/logging/logger.js';

/** A clock that stands still until a test moves it. */
export class FixedClock implements Clock {
  constructor(private current: Date = new Date('2026-11-02T08:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Deterministic ids and random bytes (a simple counter-based generator), so codes are the same every run. */
export class SeededIds implements Ids {
  private counter = 0;
  private state: number;
  constructor(seed = 42) {
    this.state = seed;
  }
  id(): string {
    this.counter++;
    return `id-${String(this.counter).padStart(4, '0')}`;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      // xorshift32
      this.state ^= this.state << 13;
      this.state ^= this.state >>> 17;
      this.state ^= this.state << 5;
      out[i] = this.state & 0xff;
    }
    return out;
  }
}

export const tempDataDir = (): string => mkdtempSync(join(tmpdir(), 'm2m-test-'));

/** The built model and passage vectors, shared by every test (and test run) on this machine. */
export const testCacheDir = (): string => process.env.M2M_TEST_CACHE ?? join(tmpdir(), 'm2m-test-cache');

export interface TestAppOptions {
  dataDir?: string;
  clock?: FixedClock;
  ids?: SeededIds;
  env?: Record<string, string>;
  /** Content checks in a worker thread as the bot runs them; default here: on the test's thread (quicker per app). */
  contentChecks?: 'worker' | 'in-thread';
}

export async function makeTestApp(
  options: TestAppOptions = {},
): Promise<App & { clock: FixedClock; dataDir: string }> {
  const dataDir = options.dataDir ?? tempDataDir();
  const clock = options.clock ?? new FixedClock();
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    CACHE_DIR: testCacheDir(),
    ...options.env,
  });
  const app = await createApp(config, {
    clock,
    ids: options.ids ?? new SeededIds(),
    logger: silentLogger(),
    sessionWriteDelayMs: 5,
    // Retries of a push happen at once, the fixed clock moved on by the delay (no test waits minutes).
    retryWait: async (ms) => clock.advance(ms),
    // The same hybrid answers whenever a test asks (not keywords while the model loads).
    searchWaitsForVectors: true,
    contentChecks: options.contentChecks ?? 'in-thread',
  });
  return Object.assign(app, { clock, dataDir });
}

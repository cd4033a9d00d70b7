import type { Logger } from '../../logging/logger.js';
import type { LiveContent } from '../live-content.js';
import type { ContentVersionStore } from '../versions/version-store.js';

export interface ContentWatcherOptions {
  store: ContentVersionStore;
  live: LiveContent;
  /** The store's version the live content was loaded from (null: the repository's content/, no version yet). */
  serving: number | null;
  /** How often the current pointer is read (ms). Default 3 s. */
  intervalMs?: number;
  /** While this says so (a publish of this process in progress), polls wait for the next turn. */
  paused?: () => boolean;
  logger?: Logger;
}

/**
 * Live reload across processes: reads DATA_DIR/content/current every few seconds, and when another process (the
 * command line, another bot) made a different version current, loads it (in the loader's worker thread) and swaps
 * it in. Reading one small file is all a poll costs while nothing changes.
 */
export class ContentWatcher {
  private timer: NodeJS.Timeout | null = null;
  private serving: number | null;
  private running: Promise<void> = Promise.resolve();
  /** A version that failed to load, so it is reported once, not every poll. */
  private failed: number | null = null;

  constructor(private readonly options: ContentWatcherOptions) {
    this.serving = options.serving;
  }

  /** The store's version serving now (null while the repository's content/ serves). */
  get version(): number | null {
    return this.serving;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.options.paused?.()) void this.sync();
    }, this.options.intervalMs ?? 3_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waits for a poll in progress (close, tests). */
  settled(): Promise<void> {
    return this.running;
  }

  /** This process made version n live itself. */
  served(n: number): void {
    this.serving = n;
  }

  /** Swaps in the store's current version if it is not the one serving; one poll at a time. Never rejects. */
  sync(): Promise<void> {
    const run = this.running.then(() => this.poll());
    this.running = run.catch(() => undefined);
    return this.running;
  }

  private async poll(): Promise<void> {
    const { store, live, logger } = this.options;
    let current: number | null;
    try {
      current = await store.current();
    } catch (error) {
      logger?.warn({ err: error }, 'content watcher could not read the current version');
      return;
    }
    if (current === null || current === this.serving || this.options.paused?.()) return;
    const loaded = await store.load(await store.versionDir(current)).catch((error: unknown) => {
      if (this.failed !== current)
        logger?.error({ err: error, version: current }, 'content version not loaded');
      this.failed = current;
      return null;
    });
    if (!loaded) return;
    if (loaded.errors.length > 0) {
      if (this.failed !== current)
        logger?.error(
          { version: current, errors: loaded.errors.length },
          'content version has errors; still serving the previous one',
        );
      this.failed = current;
      return;
    }
    // LiveContent logs a failed swap; the next poll tries again.
    const swapped = await live.swap(loaded.content, loaded.contentId).catch(() => null);
    if (!swapped) return;
    const previous = this.serving;
    this.serving = current;
    this.failed = null;
    logger?.info(
      { version: current, previous, embedded: swapped.embedded },
      'content version published elsewhere is live here',
    );
  }
}

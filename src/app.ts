import { join } from 'node:path';
import { Delivery } from './channels/delivery.js';
import type { Wait } from './channels/delivery-retry.js';
import { PushDelivery } from './channels/push-delivery.js';
import { ERASE_CLIENT, eraseClientRule } from './clients/erasure.js';
import { ClientRecords } from './clients/records.js';
import type { Config } from './config/config.js';
import { ContentInvalidError } from './content/catalog.js';
import { LiveContent } from './content/live-content.js';
import { ContentPublisher } from './content/publishing/publisher.js';
import { ContentWatcher } from './content/publishing/watcher.js';
import { createWorkerLoader } from './content/publishing/worker-loader.js';
import { ContentVersionStore, loadInThread } from './content/versions/version-store.js';
import { formatError } from './content/yaml-file.js';
import { type Clock, type Ids, randomIds, systemClock } from './core/clock.js';
import { Engine } from './core/engine.js';
import { addressKey, type Inbound, type OutMessage } from './core/messages.js';
import { safeError } from './core/safe-error.js';
import type { Services } from './core/services.js';
import { allFeatures } from './features/index.js';
import { createTranslations } from './i18n/i18n.js';
import { loadLogSecret } from './logging/log-secret.js';
import { createLogger, type Logger, pseudonymiser } from './logging/logger.js';
import { contentDir, localesDir } from './paths.js';
import type { Embedder } from './search/embedder.js';
import { createWorkerEmbedder } from './search/model/worker-embedder.js';
import { SearchService } from './search/search-service.js';
import { LowdbStore } from './store/lowdb/lowdb-store.js';
import { type ChartRenderer, createChartRenderer } from './summary/chart/render-chart.js';

/** How often idle conversations are looked for. */
const SWEEP_MS = 10 * 60_000;

export interface AppOptions {
  /** The embedder for search (tests may share one); default: EMBEDDING_MODEL in worker threads. */
  embedder?: () => Promise<Embedder>;
  /** Each question waits for the passage vectors instead of answering from keywords meanwhile (tests). */
  searchWaitsForVectors?: boolean;
  /** The content folder (tests may point at a fixture). */
  contentDir?: string;
  clock?: Clock;
  ids?: Ids;
  logger?: Logger;
  /** Take the one-writer lock on DATA_DIR (the bot and record-changing commands). Default true. */
  lock?: boolean;
  sessionWriteDelayMs?: number;
  /**
   * Where whole content folders are loaded and checked while the bot runs (publishing): a worker thread (default),
   * or this thread (tests that publish many times, where a worker per app costs more than the checks).
   */
  contentChecks?: 'worker' | 'in-thread';
  /** How the retries of a push wait (tests move a fixed clock instead of waiting); default: timers. */
  retryWait?: Wait;
}

/** The bot without its transports: store, engine and delivery of pushes. Channels feed it inbound messages. */
export interface App {
  readonly config: Config;
  readonly services: Services;
  readonly engine: Engine;
  readonly delivery: Delivery;
  /** Handles one inbound message: returns the replies for the sender; messages for others follow in the background. */
  receive(inbound: Inbound): Promise<OutMessage[]>;
  /** Resolves when every message for others handed on so far has been delivered (or has failed). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const store = await LowdbStore.open({
    dataDir: config.DATA_DIR,
    lock: options.lock ?? true,
    checkpointDelayMs: options.sessionWriteDelayMs,
    rewrites: { [ERASE_CLIENT]: eraseClientRule },
    onTornLine: (file) =>
      logger.warn({ file }, 'journal had a torn last line (crash mid-write); it was dropped'),
  });
  const loader = options.contentChecks === 'in-thread' ? null : createWorkerLoader();
  let charts: ChartRenderer | null = null;
  try {
    // The current published version in DATA_DIR/content/, else the repository's content/ (version 1). Loaded here
    // before anyone is served; once the bot runs, whole content folders are loaded in a worker thread.
    const versions = new ContentVersionStore(config.DATA_DIR, {
      baseDir: options.contentDir ?? contentDir,
      load: loader?.load ?? loadInThread,
    });
    const serving = await versions.current();
    const loaded = await loadInThread(await versions.liveDir());
    if (loaded.errors.length > 0) throw new ContentInvalidError(loaded.errors.map(formatError));
    const cacheDir = config.CACHE_DIR ?? join(config.DATA_DIR, 'cache');
    const search = new SearchService({
      embedder: options.embedder ?? (() => createWorkerEmbedder({ model: config.EMBEDDING_MODEL, cacheDir })),
      cacheDir,
      logger,
      waitForVectors: options.searchWaitsForVectors,
    });
    const content = LiveContent.create(loaded.content, { search, logger, clock: options.clock });
    // A version published from the command line (or another bot) goes live here within a few seconds.
    const watcher = new ContentWatcher({
      store: versions,
      live: content,
      serving,
      logger,
      // This process's own publish swaps its version in itself.
      paused: () => publishing.busy,
    });
    const publishing = new ContentPublisher({
      store: versions,
      live: content,
      watcher,
      approval: config.CONTENT_APPROVAL,
      ...(loader ? { preview: loader.preview } : {}),
      clock: options.clock,
      timeZone: config.TZ,
      logger,
    });
    const records = await ClientRecords.open(store);
    // The worker starts on the first chart and stops when idle.
    charts = createChartRenderer();
    const services: Services = {
      store,
      clock: options.clock ?? systemClock,
      ids: options.ids ?? randomIds,
      i18n: await createTranslations(localesDir),
      logger,
      pseudo: pseudonymiser(await loadLogSecret(config.DATA_DIR)),
      content,
      get countries() {
        return content.current().countries;
      },
      get catalog() {
        return content.current().catalog;
      },
      records,
      search,
      publishing,
      summary: { charts, exportsDir: join(config.DATA_DIR, 'exports') },
      config,
    };
    const engine = new Engine(services, allFeatures());
    const delivery = new Delivery(store.users, logger, services.pseudo);
    const pushes = new PushDelivery(engine, delivery, logger, { wait: options.retryWait });
    // Conversations idle for SESSION_IDLE_HOURS are closed, so their state (answers, client ids) does not linger.
    const sweep = setInterval(
      () =>
        engine
          .expireIdle()
          .catch((error: unknown) => logger.warn({ err: safeError(error) }, 'idle sweep failed')),
      Math.min(SWEEP_MS, config.SESSION_IDLE_HOURS * 3_600_000),
    );
    sweep.unref();
    watcher.start();
    return {
      config,
      services,
      engine,
      delivery,
      async receive(inbound) {
        const result = await engine.handle(inbound);
        // Messages for others go after her replies (the channel sends those first) and never hold them up.
        if (result.pushes.length > 0) pushes.run(addressKey(inbound), result.pushes);
        return result.replies;
      },
      settled: () => pushes.settled(),
      async close() {
        clearInterval(sweep);
        watcher.stop();
        await watcher.settled();
        await engine.idle();
        // Retries stop waiting: each gets its last try and its report before the store closes.
        pushes.stop();
        await pushes.settled();
        // Stops the model's worker threads; a vector build still running stops with them.
        await search.close();
        await loader?.close();
        await charts?.close();
        await store.close();
      },
    };
  } catch (error) {
    await loader?.close();
    await charts?.close();
    await store.close();
    throw error;
  }
}

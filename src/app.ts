import { join } from 'node:path';
import { Delivery } from './channels/delivery.js';
import { ClientRecords } from './clients/records.js';
import type { Config } from './config/config.js';
import { ContentInvalidError } from './content/catalog.js';
import { LiveContent } from './content/live-content.js';
import { loadContent } from './content/load-content.js';
import { formatError } from './content/yaml-file.js';
import { type Clock, type Ids, randomIds, systemClock } from './core/clock.js';
import { Engine } from './core/engine.js';
import type { Inbound, OutMessage } from './core/messages.js';
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
}

/** The bot without its transports: store, engine and delivery of pushes. Channels feed it inbound messages. */
export interface App {
  readonly config: Config;
  readonly services: Services;
  readonly engine: Engine;
  readonly delivery: Delivery;
  /** Handles one inbound message: returns the replies for the sender and delivers anything for others. */
  receive(inbound: Inbound): Promise<OutMessage[]>;
  close(): Promise<void>;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const store = await LowdbStore.open({
    dataDir: config.DATA_DIR,
    lock: options.lock ?? true,
    sessionWriteDelayMs: options.sessionWriteDelayMs,
    onTornLine: (file) =>
      logger.warn({ file }, 'journal had a torn last line (crash mid-write); it was dropped'),
  });
  try {
    const loaded = await loadContent(options.contentDir ?? contentDir);
    if (loaded.errors.length > 0) throw new ContentInvalidError(loaded.errors.map(formatError));
    const cacheDir = config.CACHE_DIR ?? join(config.DATA_DIR, 'cache');
    const search = new SearchService({
      embedder: options.embedder ?? (() => createWorkerEmbedder({ model: config.EMBEDDING_MODEL, cacheDir })),
      cacheDir,
      logger,
      waitForVectors: options.searchWaitsForVectors,
    });
    const content = LiveContent.create(loaded.content, { search, logger, clock: options.clock });
    const records = new ClientRecords(store);
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
      records: () => records,
      search,
      config,
    };
    const engine = new Engine(services, allFeatures());
    const delivery = new Delivery(store.users, logger, services.pseudo);
    return {
      config,
      services,
      engine,
      delivery,
      async receive(inbound) {
        const result = await engine.handle(inbound);
        if (result.pushes.length > 0) await delivery.deliver(result.pushes);
        return result.replies;
      },
      async close() {
        await engine.idle();
        // Stops the model's worker threads; a vector build still running stops with them.
        await search.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

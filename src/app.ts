import { join } from 'node:path';
import { Delivery } from './channels/delivery.js';
import { ClientRecords } from './clients/records.js';
import type { Config } from './config/config.js';
import { Catalog, ContentInvalidError } from './content/catalog.js';
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
import { createTransformersEmbedder } from './search/model/transformers-embedder.js';
import { SearchEngine } from './search/search-engine.js';
import { LowdbStore } from './store/lowdb/lowdb-store.js';
import { countriesFrom } from './teams/countries.js';

export interface AppOptions {
  /** The embedder for search (tests may share one); default: the transformers.js one of EMBEDDING_MODEL. */
  embedder?: () => Promise<Embedder>;
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
    const catalog = new Catalog(loaded.content);
    const cacheDir = config.CACHE_DIR ?? join(config.DATA_DIR, 'cache');
    let search: Promise<SearchEngine> | null = null;
    let built: SearchEngine | null = null;
    const records = new ClientRecords(store);
    const services: Services = {
      store,
      clock: options.clock ?? systemClock,
      ids: options.ids ?? randomIds,
      i18n: await createTranslations(localesDir),
      logger,
      pseudo: pseudonymiser(await loadLogSecret(config.DATA_DIR)),
      countries: countriesFrom(loaded.content.countries),
      catalog,
      records: () => records,
      search: () => {
        search ??= (async () => {
          const embedder = options.embedder
            ? await options.embedder()
            : await createTransformersEmbedder({ model: config.EMBEDDING_MODEL, cacheDir });
          built = await SearchEngine.build({ catalog, embedder, cacheDir, logger });
          return built;
        })();
        // A failed build (e.g. a bad EMBEDDING_MODEL) is retried on the next question, not cached forever.
        search.catch(() => {
          search = null;
        });
        return search;
      },
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
        // A build still running (the model loading, first embeddings) is not waited for: it closes when done.
        if (built) await built.close();
        else if (search)
          void search.then(
            (engine) => engine.close(),
            () => undefined,
          );
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

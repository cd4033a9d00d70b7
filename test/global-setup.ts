import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { tempDataDir, testCacheDir } from './support/fakes.js';

/**
 * Builds the bundled model and embeds the content once before the tests, into the shared test cache, so no test
 * pays for it (on a fresh machine this takes about half a minute; afterwards, nothing).
 */
export default async function setup(): Promise<void> {
  const app = await createApp(
    loadConfig({ DATA_DIR: tempDataDir(), CACHE_DIR: testCacheDir(), LOG_LEVEL: 'silent' }),
    {
      logger: silentLogger(),
    },
  );
  await app.services.search.ready();
  await app.close();
}

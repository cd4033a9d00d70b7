import type { App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { type RunningBot, startBot } from '../../src/main.js';
import { tempDataDir, testCacheDir } from './fakes.js';

/** The whole bot through its composition root, on a random port, a fresh DATA_DIR and the shared test cache. */
export function startTestBot(env: Record<string, string> = {}): Promise<RunningBot> {
  return startBot(
    loadConfig({
      DATA_DIR: tempDataDir(),
      CACHE_DIR: testCacheDir(),
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...env,
    }),
    silentLogger(),
    // The same hybrid answers whenever a test asks (not keywords while the model loads).
    { searchWaitsForVectors: true },
  );
}

/** A registered Mentor Mother reachable at one channel address (e.g. `telegram:2002`). */
export async function addMentor(app: App, address: string, name = 'Nomsa'): Promise<void> {
  const ref = address.slice(address.indexOf(':') + 1);
  await app.services.store.users.put({
    id: `mentor-${ref}`,
    role: 'mentor',
    name,
    lang: 'en',
    teamId: null,
    active: true,
    addresses: [address],
    lastAddress: address,
    createdAt: app.services.clock.now().toISOString(),
    invitedBy: null,
  });
}

import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { createTransformersEmbedder } from '../src/search/model/transformers-embedder.js';
import { SearchEngine } from '../src/search/search-engine.js';

const cacheDir = '/tmp/m2m-bench-cache';
const app = await createApp(loadConfig({ DATA_DIR: '/tmp/d5', CACHE_DIR: cacheDir, LOG_LEVEL: 'silent' }), {
  logger: silentLogger(),
  lock: false,
});
const embedder = await createTransformersEmbedder({ cacheDir });
const engine = await SearchEngine.build({ catalog: app.services.catalog, embedder, cacheDir });
const qs = [
  'how does TB spread from one person to another',
  'what are the danger signs in pregnancy',
  'my client missed her ARV pills for a week',
];
const variants: Record<string, (q: string) => Promise<unknown>> = {
  embedOnly: (q) => embedder.embed([q]),
  embedThenScore: async (q) => {
    const [v] = await embedder.embed([q]);
    return engine['vectors'].query(v!, () => true, 60);
  },
  urgentThenEmbed: async (q) => {
    engine.isUrgent(q);
    return embedder.embed([q]);
  },
  expandThenEmbed: async (q) => {
    engine['expander'].expansion(q, 'en');
    return embedder.embed([q]);
  },
  search: (q) => engine.search(q, 'en', { mode: 'semantic' }),
};
for (let r = 0; r < 2; r++)
  for (const [name, f] of Object.entries(variants)) {
    const t = performance.now();
    for (let i = 0; i < 90; i++) await f(qs[i % 3]!);
    console.log(name, ((performance.now() - t) / 90).toFixed(3));
  }
await embedder.close();
await app.close();

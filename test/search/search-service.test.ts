import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/content/catalog.js';
import { type ContentSet, loadContent } from '../../src/content/load-content.js';
import { contentDir } from '../../src/paths.js';
import { SearchService } from '../../src/search/search-service.js';
import { tempDataDir } from '../support/fakes.js';
import { FakeEmbedder } from './fake-embedder.js';

let content: ContentSet;
beforeAll(async () => {
  ({ content } = await loadContent(contentDir));
});

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('the search service', () => {
  it('answers from keywords and the glossary while the model loads, then ranks semantically too', async () => {
    const embedder = new FakeEmbedder();
    embedder.hold();
    const service = new SearchService({ embedder: async () => embedder, cacheDir: tempDataDir() });
    service.use('v1', new Catalog(content));
    expect(service.status()).toMatchObject({ contentVersion: 'v1', vectors: 'idle' });
    const warm = service.warmUp();
    expect(service.status().vectors).toBe('building');

    const tb = await service.search('how does TB spread?', 'en');
    expect(tb.confident).toBe(true);
    expect(tb.hits[0]?.passage.topic).toBe('tb');
    expect(tb.signals.cosine).toBe(0);
    // The glossary carries a Swahili word to the English passage, with no model.
    const sw = await service.search('kifua kikuu', 'sw');
    expect(sw.hits[0]?.passage.topic).toBe('tb');
    // Danger is recognised at once.
    expect(service.isUrgent('the baby is having convulsions')).toBe(true);
    expect((await service.search('my client is bleeding heavily after birth', 'en')).urgent).toBe(true);
    expect(service.status().vectors).toBe('building');

    embedder.letGo();
    await warm;
    expect(service.status()).toMatchObject({ vectors: 'ready', lastEmbedded: expect.any(Number) });
    const after = await service.search('how does TB spread?', 'en');
    expect(after.signals.cosine).not.toBe(0);
    await service.close();
  });

  it('keeps answering from keywords when the model cannot load, says so in its status, and tries again', async () => {
    let calls = 0;
    const service = new SearchService({
      embedder: async () => {
        calls++;
        throw new Error('no such model');
      },
      cacheDir: tempDataDir(),
      retryAfterMs: 0,
    });
    service.use('v1', new Catalog(content));
    await expect(service.warmUp()).rejects.toThrow('no such model');
    expect(service.status()).toMatchObject({ vectors: 'failed', error: 'no such model' });
    const result = await service.search('signs of malaria in children', 'en');
    expect(result.hits[0]?.passage.topic).toBe('malaria');
    await until(() => calls >= 2);
    await service.close();
  });

  it('can make each question wait for the vectors instead (tests, one-shot searches)', async () => {
    const embedder = new FakeEmbedder();
    embedder.hold();
    const service = new SearchService({
      embedder: async () => embedder,
      cacheDir: tempDataDir(),
      waitForVectors: true,
    });
    service.use('v1', new Catalog(content));
    let answered = false;
    const pending = service.search('how does TB spread?', 'en').then((r) => {
      answered = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    embedder.letGo();
    expect((await pending).signals.cosine).not.toBe(0);
    await service.close();
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { contentId, LiveContent } from '../../src/content/live-content.js';
import { type ContentSet, loadContent } from '../../src/content/load-content.js';
import { createLogger } from '../../src/logging/logger.js';
import { contentDir } from '../../src/paths.js';
import { passagesOf } from '../../src/search/passages.js';
import { SearchService } from '../../src/search/search-service.js';
import { FakeEmbedder } from '../search/fake-embedder.js';
import { tempDataDir } from '../support/fakes.js';

let content: ContentSet;
beforeAll(async () => {
  ({ content } = await loadContent(contentDir));
});

/** The content with one TB article's first section reworded and one new article added. */
function edited(base: ContentSet): ContentSet {
  const index = base.articles.findIndex((a) => a.topic === 'tb' && a.lang === 'en');
  const article = base.articles[index];
  const section = article?.sections[0];
  if (!article || !section) throw new Error('no TB article');
  const articles = [...base.articles];
  articles[index] = {
    ...article,
    sections: [
      { ...section, body: `${section.body} Zebra-striped masks are not needed.` },
      ...article.sections.slice(1),
    ],
  };
  articles.push({
    ...article,
    id: 'tb-new-article',
    title: 'Quokka care for TB clinics',
    sections: [{ ...section, id: 'only', heading: 'Quokkas', body: 'Quokkas do not spread TB.' }],
  });
  return { ...base, articles };
}

function logLines() {
  const lines: { msg: string; [key: string]: unknown }[] = [];
  const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

async function live(embedder: FakeEmbedder, logger = logLines().logger) {
  const search = new SearchService({ embedder: async () => embedder, cacheDir: tempDataDir(), logger });
  const contentLive = LiveContent.create(content, { search, logger });
  await search.warmUp();
  return { search, live: contentLive };
}

describe('live content', () => {
  it('has a content hash as its id, the same for the same content', () => {
    expect(contentId(content)).toMatch(/^[0-9a-f]{16}$/);
    expect(contentId(structuredClone(content))).toBe(contentId(content));
    expect(contentId(edited(content))).not.toBe(contentId(content));
  });

  it('swaps in new content, embedding only the changed and new passages, and keeps the old version by id', async () => {
    const embedder = new FakeEmbedder();
    const { search, live: contentLive } = await live(embedder);
    const first = contentLive.current();
    expect(embedder.embedded.length).toBe(passagesOf(first.catalog).length);
    embedder.embedded = [];

    const next = await contentLive.replace(edited(content));
    expect(embedder.embedded).toHaveLength(2);
    expect(embedder.embedded.join(' ')).toContain('Zebra-striped');
    expect(embedder.embedded.join(' ')).toContain('Quokkas do not spread TB');
    expect(contentLive.current()).toBe(next);
    expect(next.catalog.article('tb-new-article', 'en')).toBeDefined();
    expect(search.status()).toMatchObject({ contentVersion: next.id, vectors: 'ready', lastEmbedded: 2 });
    expect((await search.search('quokka', 'en', { mode: 'keyword' })).hits[0]?.passage.item).toBe(
      'tb-new-article',
    );
    // Someone who started on the first version can finish on it.
    expect(contentLive.get(first.id)?.catalog.article('tb-new-article', 'en')).toBeUndefined();
    // The same content again changes nothing.
    expect(await contentLive.replace(edited(content))).toBe(next);
    await search.close();
  });

  it('keeps serving the previous version when a swap fails half-way, with one clear log line', async () => {
    const embedder = new FakeEmbedder();
    const { lines, logger } = logLines();
    const { search, live: contentLive } = await live(embedder, logger);
    const before = contentLive.current();
    embedder.fail = new Error('model crashed');
    await expect(contentLive.replace(edited(content))).rejects.toThrow('model crashed');
    expect(contentLive.current()).toBe(before);
    expect(search.status()).toMatchObject({ contentVersion: before.id, vectors: 'ready' });
    const failures = lines.filter((l) => l.level === 50);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      msg: 'content replacement failed; still serving the previous version',
      serving: before.id,
    });
    expect((await search.search('how does TB spread?', 'en')).hits[0]?.passage.topic).toBe('tb');
    // A later good swap still works.
    embedder.fail = null;
    await contentLive.replace(edited(content));
    expect(contentLive.current().id).toBe(contentId(edited(content)));
    await search.close();
  });

  it('answers from keywords while the first vectors are built, and from the live version while a swap is built', async () => {
    const embedder = new FakeEmbedder();
    embedder.hold();
    const search = new SearchService({ embedder: async () => embedder, cacheDir: tempDataDir() });
    const contentLive = LiveContent.create(content, { search });
    const warm = search.warmUp();
    const cold = await search.search('how does TB spread?', 'en');
    expect(search.status().vectors).toBe('building');
    expect(cold).toMatchObject({ confident: true, signals: { cosine: 0 } });
    embedder.letGo();
    await warm;

    embedder.hold();
    const swapping = contentLive.replace(edited(content));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The new version waits for its changed passages; meanwhile the current one answers, semantically too.
    const during = await Promise.race([
      search.search('how does TB spread?', 'en'),
      new Promise((resolve) => setTimeout(() => resolve('timed out'), 2000)),
    ]);
    expect(during).toMatchObject({ confident: true });
    expect(contentLive.current().id).toBe(contentId(content));
    embedder.letGo();
    await swapping;
    expect(contentLive.current().id).toBe(contentId(edited(content)));
    await search.close();
  });

  it('keeps held versions and the last few, and forgets older ones', async () => {
    const embedder = new FakeEmbedder();
    const { search } = await live(embedder);
    const contentLive = LiveContent.create(content, { search, keep: 1 });
    const first = contentLive.current().id;
    const release = contentLive.hold(first);
    const variants = [1, 2, 3].map((n) => ({ ...content, glossaries: content.glossaries.slice(n) }));
    for (const v of variants) await contentLive.replace(v);
    expect(contentLive.get(first)).toBeDefined();
    expect(contentLive.get(contentId(variants[0] as ContentSet))).toBeUndefined();
    expect(contentLive.get(contentId(variants[1] as ContentSet))).toBeDefined();
    release();
    expect(contentLive.get(first)).toBeUndefined();
    await search.close();
  });
});

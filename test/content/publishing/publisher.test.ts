import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { describeContentError } from '../../../src/content/error-text.js';
import { LiveContent } from '../../../src/content/live-content.js';
import { type ContentSet, loadContent } from '../../../src/content/load-content.js';
import { ContentPublisher } from '../../../src/content/publishing/publisher.js';
import { ContentWatcher } from '../../../src/content/publishing/watcher.js';
import { createWorkerLoader } from '../../../src/content/publishing/worker-loader.js';
import { readUpload } from '../../../src/content/versions/upload.js';
import { ContentVersionStore } from '../../../src/content/versions/version-store.js';
import type { ContentError } from '../../../src/content/yaml-file.js';
import { createTranslations } from '../../../src/i18n/i18n.js';
import { contentDir, localesDir } from '../../../src/paths.js';
import { SearchService } from '../../../src/search/search-service.js';
import { FakeEmbedder } from '../../search/fake-embedder.js';
import { FixedClock, tempDataDir } from '../../support/fakes.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const read = (path: string) => readFile(join(contentDir, path), 'utf8');

/** A new TB article with a word found nowhere else. */
async function newArticle(id = 'tb-quokka-care', word = 'Quokkas'): Promise<string> {
  const article = parse(await read('library/tb/tb-myths.en.yaml'));
  article.id = id;
  article.title = `${word} care for TB clinics`;
  article.related = [];
  article.sections = [{ id: 'only', heading: word, body: `${word} near a TB clinic do not spread TB.` }];
  return stringify(article);
}

/**
 * hypertension-bp with the pregnancy emergency threshold at 155 instead of 160 (its test case moved with it), at
 * `version` in the English file and both translations.
 */
async function bpChange(version: number): Promise<Uint8Array> {
  const en = (await read('questionnaires/hypertension-bp.yaml'))
    .replace('systolic >= 160 or diastolic >= 110', 'systolic >= 155 or diastolic >= 110')
    .replace('"pregnant 159/109: urgent"', '"pregnant 154/109: urgent"')
    .replace(
      '{ systolic: 159, diastolic: 109, pregnant: true',
      '{ systolic: 154, diastolic: 109, pregnant: true',
    )
    .replace(/^version: 2$/m, `version: ${version}`);
  const files: Record<string, Uint8Array> = { 'questionnaires/hypertension-bp.yaml': utf8(en) };
  for (const lang of ['pt', 'sw']) {
    const text = (await read(`questionnaires/hypertension-bp.${lang}.yaml`)).replace(
      /^version: 2$/m,
      `version: ${version}`,
    );
    files[`questionnaires/hypertension-bp.${lang}.yaml`] = utf8(text);
  }
  return zipSync(files);
}

let base: ContentSet;
const loader = createWorkerLoader();
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  ({ content: base } = await loadContent(contentDir));
});
afterAll(async () => {
  for (const close of closers) await close();
  await loader.close();
});

/** A bot's publishing on a fresh DATA_DIR: live content, search on a fake embedder, the watcher (not started). */
async function bot(dataDir = tempDataDir()) {
  const clock = new FixedClock();
  const store = new ContentVersionStore(dataDir, { load: loader.load, now: () => clock.now() });
  const search = new SearchService({ embedder: async () => new FakeEmbedder(), cacheDir: tempDataDir() });
  closers.push(() => search.close());
  const live = LiveContent.create(base, { search });
  await search.warmUp();
  const watcher = new ContentWatcher({
    store,
    live,
    serving: await store.current(),
    intervalMs: 20,
    paused: () => publisher.busy,
  });
  const publisher = new ContentPublisher({
    store,
    live,
    watcher,
    clock,
    timeZone: 'UTC',
    preview: loader.preview,
  });
  return { dataDir, store, search, live, watcher, publisher, clock };
}

const keywordHit = async (search: SearchService, query: string) =>
  (await search.search(query, 'en', { mode: 'keyword' })).hits[0]?.passage.item;

describe('the content publisher', () => {
  it('refuses a hostile upload and lists every error of an invalid one, changing nothing', async () => {
    const { publisher, live, dataDir } = await bot();
    const before = live.current().id;
    const binary = await publisher.check(
      { name: 'photo.yaml', bytes: new Uint8Array([0x89, 0, 1, 2]) },
      'u1',
    );
    expect(binary).toMatchObject({
      status: 'refused',
      message: expect.stringMatching(/not a text file|UTF-8/),
    });
    if (binary.status === 'refused') expect(binary.code).toMatch(/^upload\./);

    const bad = (await newArticle()).replace('heading: Quokkas', 'heading: 42\n    colour: blue');
    const result = await publisher.check({ name: 'tb-quokka-care.en.yaml', bytes: utf8(bad) }, 'u1');
    expect(result.status).toBe('invalid');
    if (result.status !== 'invalid') return;
    expect(result.errors.length).toBeGreaterThanOrEqual(2);
    for (const error of result.errors) {
      expect(error.file).toBe('library/tb/tb-quokka-care.en.yaml');
      expect(error.line).toBeGreaterThan(0);
    }
    expect(live.current().id).toBe(before);
    expect(existsSync(join(dataDir, 'content', 'current'))).toBe(false);
    expect(await publisher.pending()).toEqual([]);
    expect((await publisher.history()).map((r) => r.version)).toEqual([1]);
  });

  it('publishes a new article: draft, then live for everyone at once and found by search', async () => {
    const { publisher, live, search } = await bot();
    const checked = await publisher.check(
      { name: 'tb-quokka-care.en.yaml', bytes: utf8(await newArticle()) },
      'trainer-1',
    );
    expect(checked.status).toBe('ready');
    if (checked.status !== 'ready') return;
    const { proposal } = checked;
    expect(proposal).toMatchObject({
      status: 'draft',
      needsApproval: false,
      baseVersion: 1,
      by: 'trainer-1',
    });
    expect(proposal.id).toMatch(/^[a-z2-7]{8}$/);
    expect(proposal.preview.items).toContainEqual(
      expect.objectContaining({ change: 'added', kind: 'article', id: 'tb-quokka-care' }),
    );
    // Nothing is live before the trainer confirms.
    expect(live.current().catalog.article('tb-quokka-care', 'en')).toBeUndefined();

    const outcome = await publisher.submit(proposal.id, 'trainer-1', 'quokkas');
    expect(outcome).toMatchObject({
      status: 'published',
      record: { version: 2, by: 'trainer-1', note: 'quokkas', proposal: proposal.id },
    });
    if (outcome.status !== 'published') return;
    // Only the new article's passage was embedded for the new version.
    expect(outcome.embedded).toBe(1);
    expect(live.current().id).toBe(outcome.record.contentId);
    expect(live.current().catalog.article('tb-quokka-care', 'en')).toBeDefined();
    expect(await keywordHit(search, 'quokkas')).toBe('tb-quokka-care');
    expect((await publisher.proposal(proposal.id))?.status).toBe('published');
    // A message handled twice publishes once.
    expect(await publisher.submit(proposal.id, 'trainer-1', 'quokkas')).toEqual({ status: 'gone' });
    expect((await publisher.history()).map((r) => [r.version, r.current])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('holds a questionnaire threshold change for a clinician, then publishes it approved, archiving the old version', async () => {
    const { publisher, live, dataDir } = await bot();
    const checked = await publisher.check({ name: 'bp.zip', bytes: await bpChange(3) }, 'trainer-1');
    expect(checked.status).toBe('ready');
    if (checked.status !== 'ready') return;
    const { proposal } = checked;
    expect(proposal.needsApproval).toBe(true);
    expect(proposal.preview.clinical).toContainEqual(
      expect.objectContaining({ kind: 'questionnaire-logic', id: 'hypertension-bp' }),
    );
    expect(proposal.preview.logic).toContainEqual(
      expect.objectContaining({
        questionnaire: 'hypertension-bp',
        place: 'rules.pregnancy_severe_reading.when',
        before: 'pregnancy_related and (systolic >= 160 or diastolic >= 110)',
        after: 'pregnancy_related and (systolic >= 155 or diastolic >= 110)',
      }),
    );
    // The live version 2 is archived beside it, so screenings stored under it keep their meaning.
    expect(proposal.preview.files.added).toEqual([
      'questionnaires/archive/hypertension-bp.v2.pt.yaml',
      'questionnaires/archive/hypertension-bp.v2.sw.yaml',
      'questionnaires/archive/hypertension-bp.v2.yaml',
    ]);

    const held = await publisher.submit(proposal.id, 'trainer-1', 'pre-eclampsia threshold');
    expect(held).toMatchObject({
      status: 'pending',
      proposal: { status: 'pending', note: 'pre-eclampsia threshold' },
    });
    expect(live.current().catalog.currentVersion('hypertension-bp')).toBe(2);
    expect((await publisher.pending()).map((p) => p.id)).toEqual([proposal.id]);

    // After a restart (a new publisher on the same DATA_DIR) it still waits.
    const again = new ContentPublisher({ store: new ContentVersionStore(dataDir, { load: loader.load }) });
    expect((await again.pending()).map((p) => p.id)).toEqual([proposal.id]);

    const approved = await publisher.approve(proposal.id, { id: 'clin-1', name: 'Dr Amina Banda' });
    expect(approved).toMatchObject({
      status: 'published',
      record: { version: 2, by: 'trainer-1', approvedBy: 'Dr Amina Banda', proposal: proposal.id },
    });
    if (approved.status !== 'published') return;
    const catalog = live.current().catalog;
    expect(catalog.currentVersion('hypertension-bp')).toBe(3);
    expect(live.current().content.archivedQuestionnaires).toContainEqual(
      expect.objectContaining({ id: 'hypertension-bp', version: 2 }),
    );
    const dir = join(dataDir, 'content', 'versions', '2', 'questionnaires');
    const current = parse(await readFile(join(dir, 'hypertension-bp.yaml'), 'utf8'));
    expect(current.review).toMatchObject({ status: 'approved', by: 'Dr Amina Banda', date: '2026-11-02' });
    expect(current.review.checks.length).toBeGreaterThan(0);
    const pt = await readFile(join(dir, 'hypertension-bp.pt.yaml'), 'utf8');
    expect(parse(pt).review).toMatchObject({ status: 'approved', by: 'Dr Amina Banda' });
    // Only the review record's lines changed in the translation as uploaded.
    const uploaded = (await read('questionnaires/hypertension-bp.pt.yaml')).split('\n');
    const changed = pt.split('\n').filter((line, i) => line !== uploaded[i]);
    expect(changed).toEqual([
      'version: 3',
      '  status: approved',
      '  by: Dr Amina Banda',
      '  date: 2026-11-02',
    ]);
    const archived = await readFile(join(dir, 'archive', 'hypertension-bp.v2.yaml'), 'utf8');
    expect(archived).toMatch(/^# Archived: version 2 of hypertension-bp/);
    expect(parse(archived).review.status).toBe('draft');
    expect(await publisher.approve(proposal.id, { id: 'clin-1', name: 'Dr Amina Banda' })).toEqual({
      status: 'gone',
    });
    expect(await publisher.pending()).toEqual([]);
    expect((await again.history()).find((r) => r.current)).toMatchObject({
      version: 2,
      approvedBy: 'Dr Amina Banda',
    });
  });

  it('refuses a questionnaire logic change that keeps the same version', async () => {
    const { publisher } = await bot();
    const result = await publisher.check({ name: 'bp.zip', bytes: await bpChange(2) }, 'trainer-1');
    expect(result).toMatchObject({
      status: 'invalid',
      errors: [
        {
          file: 'questionnaires/hypertension-bp.yaml',
          path: 'version',
          line: 4,
          code: 'questionnaire.versionNotRaised',
          params: { id: 'hypertension-bp', version: 2, next: 3 },
        },
      ],
    });
    if (result.status !== 'invalid') return;
    // The trainer reads it in her language.
    const pt = (await createTranslations(localesDir)).t('pt');
    expect(describeContentError(pt, result.errors[0] as ContentError)).toBe(
      'questionnaires/hypertension-bp.yaml, linha 4, version: a lógica do questionário "hypertension-bp" mudou, ' +
        'por isso a versão tem de subir: escreva version: 3 (a versão 2 fica guardada no arquivo, para que os ' +
        'rastreios já registados mantenham o seu significado)',
    );
  });

  it('records a clinician rejecting a change, and nothing goes live', async () => {
    const { publisher, live, clock } = await bot();
    const checked = await publisher.check({ name: 'bp.zip', bytes: await bpChange(3) }, 'trainer-1');
    if (checked.status !== 'ready') throw new Error(checked.status);
    await publisher.submit(checked.proposal.id, 'trainer-1', '');
    const rejected = await publisher.reject(checked.proposal.id, { id: 'clin-1' }, 'keep WHO 160/110');
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: 'clin-1', reason: 'keep WHO 160/110' });
    expect(await publisher.reject(checked.proposal.id, { id: 'clin-1' }, 'again')).toMatchObject({
      reason: 'keep WHO 160/110',
    });
    expect(await publisher.approve(checked.proposal.id, { id: 'clin-1', name: 'A' })).toEqual({
      status: 'gone',
    });
    expect(live.current().catalog.currentVersion('hypertension-bp')).toBe(2);
    expect((await publisher.history()).length).toBe(1);
    // Decided proposals are kept 14 days, one waiting for a clinician however long.
    const waiting = await publisher.check({ name: 'bp.zip', bytes: await bpChange(3) }, 'trainer-2');
    if (waiting.status !== 'ready') throw new Error(waiting.status);
    await publisher.submit(waiting.proposal.id, 'trainer-2', '');
    clock.advance(13 * 86_400_000);
    expect(await publisher.proposal(checked.proposal.id)).toBeDefined();
    await publisher.pending();
    expect(await publisher.proposal(checked.proposal.id)).toBeDefined();
    clock.advance(2 * 86_400_000);
    expect((await publisher.pending()).map((p) => p.id)).toEqual([waiting.proposal.id]);
    expect(await publisher.proposal(checked.proposal.id)).toBeUndefined();
  });

  it('rolls back to an earlier version, live at once', async () => {
    const { publisher, live, search } = await bot();
    const checked = await publisher.check(
      { name: 'tb-quokka-care.en.yaml', bytes: utf8(await newArticle()) },
      'trainer-1',
    );
    if (checked.status !== 'ready') throw new Error(checked.status);
    await publisher.submit(checked.proposal.id, 'trainer-1', '');
    expect(await keywordHit(search, 'quokkas')).toBe('tb-quokka-care');

    const back = await publisher.rollback(1, 'admin-1');
    expect(back).toMatchObject({ status: 'published', record: { version: 3, rollbackOf: 1, by: 'admin-1' } });
    expect(live.current().catalog.article('tb-quokka-care', 'en')).toBeUndefined();
    expect(await keywordHit(search, 'quokkas')).not.toBe('tb-quokka-care');
    expect(await publisher.rollback(3, 'admin-1')).toEqual({ status: 'unchanged' });
    expect(await publisher.rollback(9, 'admin-1')).toEqual({ status: 'gone' });
  });

  it('approves live draft items as a new version, and lists what is still draft', async () => {
    const { publisher, live } = await bot();
    const draft = publisher.drafts();
    expect(draft).toContainEqual(
      expect.objectContaining({ kind: 'article', id: 'tb-myths', lang: 'en', topic: 'tb' }),
    );
    const outcome = await publisher.approveItems([{ id: 'tb-myths', lang: 'en' }], {
      id: 'clin-1',
      name: 'Dr Amina Banda',
    });
    expect(outcome).toMatchObject({
      status: 'published',
      record: {
        version: 2,
        note: 'approved by Dr Amina Banda',
        approvedBy: 'Dr Amina Banda',
        changes: { changed: ['library/tb/tb-myths.en.yaml'] },
      },
    });
    const article = live.current().content.articles.find((a) => a.id === 'tb-myths' && a.lang === 'en');
    expect(article?.review).toMatchObject({
      status: 'approved',
      by: 'Dr Amina Banda',
      date: '2026-11-02',
    });
    expect(publisher.drafts().some((d) => d.id === 'tb-myths' && d.lang === 'en')).toBe(false);
    // Approving it again changes nothing.
    expect(await publisher.approveItems([{ id: 'tb-myths', lang: 'en' }], { id: 'c', name: 'B' })).toEqual({
      status: 'unchanged',
    });
  });

  it('lets a trainer try a proposal as a version that is not live', async () => {
    const { publisher, live } = await bot();
    const checked = await publisher.check(
      { name: 'tb-quokka-care.en.yaml', bytes: utf8(await newArticle()) },
      'trainer-1',
    );
    if (checked.status !== 'ready') throw new Error(checked.status);
    const id = await publisher.tryOut(checked.proposal.id);
    expect(id).toBeDefined();
    expect(id).not.toBe(live.current().id);
    expect(live.get(id as string)?.catalog.article('tb-quokka-care', 'en')).toBeDefined();
    expect(live.current().catalog.article('tb-quokka-care', 'en')).toBeUndefined();
    await publisher.discard(checked.proposal.id);
    expect(live.get(id as string)).toBeUndefined();
    expect(await publisher.tryOut(checked.proposal.id)).toBeUndefined();
  });

  it('picks up a version published by another process within a poll', async () => {
    const { watcher, live, search, publisher, dataDir } = await bot();
    watcher.start();
    try {
      // The command line: its own store, loading in its own thread.
      const cli = new ContentVersionStore(dataDir);
      const upload = readUpload(
        'tb-wombat-care.en.yaml',
        utf8(await newArticle('tb-wombat-care', 'Wombats')),
      );
      expect(await cli.publish(upload, { by: 'cli' })).toMatchObject({ status: 'published' });
      await expect
        .poll(() => live.current().catalog.article('tb-wombat-care', 'en'), { timeout: 15_000, interval: 50 })
        .toBeDefined();
      expect(watcher.version).toBe(2);
      expect(await keywordHit(search, 'wombats')).toBe('tb-wombat-care');
      // What the bot publishes next builds on it.
      const checked = await publisher.check(
        { name: 'tb-quokka-care.en.yaml', bytes: utf8(await newArticle()) },
        'trainer-1',
      );
      expect(checked).toMatchObject({ status: 'ready', proposal: { baseVersion: 2 } });
    } finally {
      watcher.stop();
      await watcher.settled();
    }
  });
});

import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadContent } from '../../src/content/load-content.js';
import { UPLOAD_LIMITS } from '../../src/content/versions/limits.js';
import { readUpload, UploadRefused } from '../../src/content/versions/upload.js';
import {
  ContentVersionStore,
  currentVersion,
  liveContentDir,
} from '../../src/content/versions/version-store.js';
import { contentDir } from '../../src/paths.js';
import { tempDataDir } from '../support/fakes.js';

/** A new TB article with a word found nowhere else. */
async function newArticle(id = 'tb-quokka-care'): Promise<string> {
  const article = parse(await readFile(join(contentDir, 'library/tb/tb-myths.en.yaml'), 'utf8'));
  article.id = id;
  article.title = 'Quokka care for TB clinics';
  article.related = [];
  article.sections = [{ id: 'only', heading: 'Quokkas', body: 'Quokkas near a TB clinic do not spread TB.' }];
  return stringify(article);
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('the content version store', () => {
  it('publishes a new version, lists it, keeps it current after a restart, and writes owner-only files', async () => {
    const dataDir = tempDataDir();
    const store = new ContentVersionStore(dataDir);
    expect(await liveContentDir(dataDir)).toBe(contentDir);
    expect((await store.history()).map((r) => r.version)).toEqual([1]);

    const upload = readUpload('tb-quokka-care.en.yaml', utf8(await newArticle()));
    const result = await store.publish(upload, { by: 'user-7', note: 'quokkas' });
    expect(result).toMatchObject({
      status: 'published',
      record: {
        version: 2,
        by: 'user-7',
        note: 'quokkas',
        changes: { added: ['library/tb/tb-quokka-care.en.yaml'], changed: [], removed: [] },
      },
    });
    const history = await store.history();
    expect(history.map((r) => [r.version, r.by])).toEqual([
      [1, 'repository'],
      [2, 'user-7'],
    ]);
    expect(history[0]?.contentId).not.toBe(history[1]?.contentId);

    // A restart: a new store on the same folder, and the loader, find version 2.
    expect(await currentVersion(dataDir)).toBe(2);
    const dir = await liveContentDir(dataDir);
    expect(dir).toBe(join(dataDir, 'content', 'versions', '2'));
    const { content, errors } = await loadContent(dir);
    expect(errors).toEqual([]);
    expect(content.articles.some((a) => a.id === 'tb-quokka-care')).toBe(true);
    for (const file of ['current', 'versions/2.json', 'versions/2/library/tb/tb-quokka-care.en.yaml'])
      expect(statSync(join(dataDir, 'content', file)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'content', 'versions', '2')).mode & 0o777).toBe(0o700);

    // The same upload again changes nothing.
    expect(await store.publish(upload, { by: 'cli' })).toEqual({ status: 'unchanged', current: 2 });
  });

  it('rolls back to an earlier version as a new version, and refuses the live one or a missing one', async () => {
    const dataDir = tempDataDir();
    const store = new ContentVersionStore(dataDir);
    await store.publish(readUpload('tb-quokka-care.en.yaml', utf8(await newArticle())), { by: 'cli' });
    const back = await store.rollback(1, { by: 'cli' });
    expect(back).toMatchObject({
      status: 'published',
      record: {
        version: 3,
        note: 'rollback to 1',
        rollbackOf: 1,
        changes: { removed: ['library/tb/tb-quokka-care.en.yaml'] },
      },
    });
    const history = await store.history();
    expect(history[2]?.contentId).toBe(history[0]?.contentId);
    expect(await currentVersion(dataDir)).toBe(3);
    await expect(store.rollback(3, { by: 'cli' })).rejects.toThrow('already the live version');
    await expect(store.rollback(9, { by: 'cli' })).rejects.toThrow('no version 9');
    const again = await store.rollback(2, { by: 'cli' });
    expect(again).toMatchObject({ status: 'published', record: { version: 4, rollbackOf: 2 } });
  });

  it('lists every error of an invalid upload with file, place and line, and changes nothing', async () => {
    const dataDir = tempDataDir();
    const store = new ContentVersionStore(dataDir);
    const bad = (await newArticle()).replace('heading: Quokkas', 'heading: 42\n    colour: blue');
    const result = await store.publish(readUpload('tb-quokka-care.en.yaml', utf8(bad)), { by: 'cli' });
    expect(result.status).toBe('invalid');
    if (result.status !== 'invalid') return;
    expect(result.errors.length).toBeGreaterThanOrEqual(2);
    for (const error of result.errors) {
      expect(error.file).toBe('library/tb/tb-quokka-care.en.yaml');
      expect(error.path).toMatch(/^sections\[0\]/);
      expect(error.line).toBeGreaterThan(0);
    }
    expect(existsSync(join(dataDir, 'content', 'current'))).toBe(false);
    expect(existsSync(join(dataDir, 'content', 'versions'))).toBe(false);
  });

  it('refuses an id that another kind of item has', async () => {
    const store = new ContentVersionStore(tempDataDir());
    const module = parse(await readFile(join(contentDir, 'modules/tb-basics.en.yaml'), 'utf8'));
    module.id = 'tb-myths';
    const zip = zipSync({ 'modules/tb-myths.en.yaml': utf8(stringify(module)) });
    const result = await store.publish(readUpload('update.zip', zip), { by: 'cli' });
    expect(result.status).toBe('invalid');
    if (result.status !== 'invalid') return;
    expect(result.errors.map((e) => `${e.file}: ${e.message}`)).toContainEqual(
      expect.stringMatching(/^modules\/tb-myths\.en\.yaml: .*ids are unique across kinds/),
    );
    expect(await currentVersion(store.dataDir)).toBeNull();
  });

  it('leaves the previous version current when a write fails', async () => {
    const dataDir = tempDataDir();
    const store = new ContentVersionStore(dataDir);
    await store.publish(readUpload('tb-quokka-care.en.yaml', utf8(await newArticle())), { by: 'cli' });
    const failing = new ContentVersionStore(dataDir, {
      writeFile: async (path) => {
        if (path.endsWith('current')) throw new Error('disk full');
      },
    });
    const other = readUpload('tb-wombat-care.en.yaml', utf8(await newArticle('tb-wombat-care')));
    await expect(failing.publish(other, { by: 'cli' })).rejects.toThrow('disk full');
    expect(await currentVersion(dataDir)).toBe(2);
    expect((await store.history()).map((r) => r.version)).toEqual([1, 2]);
    expect(existsSync(join(dataDir, 'content', 'versions', '3'))).toBe(false);
    // The next publish works.
    expect(await store.publish(other, { by: 'cli' })).toMatchObject({ record: { version: 3 } });
  });

  it('records who approved a version, and reads records written before approvals were recorded', async () => {
    const dataDir = tempDataDir();
    const store = new ContentVersionStore(dataDir);
    await store.publish(readUpload('tb-quokka-care.en.yaml', utf8(await newArticle())), { by: 'cli' });
    const record = await store.transaction(async (tx) => {
      expect(tx.live.version).toBe(2);
      const next = new Map(tx.live.tree);
      next.set('library/tb/tb-wombat-care.en.yaml', utf8(await newArticle('tb-wombat-care')));
      const staged = await store.stage(next);
      try {
        expect(staged.errors).toEqual([]);
        return await tx.install(staged, {
          by: 'trainer-1',
          note: 'wombats',
          proposal: 'abcdefgh',
          approvedBy: 'Dr Amina Banda',
          approvedAt: '2026-11-02T08:00:00.000Z',
        });
      } finally {
        await staged.dispose();
      }
    });
    expect(record).toMatchObject({
      version: 3,
      approvedBy: 'Dr Amina Banda',
      changes: { added: ['library/tb/tb-wombat-care.en.yaml'] },
    });
    const history = await new ContentVersionStore(dataDir).history();
    expect(history[1]).not.toHaveProperty('approvedBy');
    expect(history[2]).toMatchObject({ proposal: 'abcdefgh', approvedBy: 'Dr Amina Banda' });
    expect(readdirSync(join(dataDir, 'content', 'staging'))).toEqual([]);
    expect((await readFile(join(dataDir, 'content', 'current'), 'utf8')).trim()).toBe('3');
  });

  it('takes a zip of several files, with or without a content/ folder at the top', async () => {
    const store = new ContentVersionStore(tempDataDir());
    const zip = zipSync({
      'content/library/tb/tb-quokka-care.en.yaml': utf8(await newArticle()),
      'content/NOTES.md': utf8('# Notes\n'),
    });
    const result = await store.publish(readUpload('update.zip', zip), { by: 'cli' });
    expect(result).toMatchObject({
      status: 'published',
      record: { changes: { added: ['NOTES.md', 'library/tb/tb-quokka-care.en.yaml'] } },
    });
  });
});

describe('hostile uploads are refused before anything is parsed', () => {
  const refused = (name: string, bytes: Uint8Array, message: RegExp) => {
    expect(() => readUpload(name, bytes)).toThrow(UploadRefused);
    expect(() => readUpload(name, bytes)).toThrow(message);
  };

  it('a file or a zip over the size limits', () => {
    refused('big.yaml', new Uint8Array(UPLOAD_LIMITS.fileBytes + 1).fill(0x61), /larger than 2 MB/);
    refused('big.zip', new Uint8Array(UPLOAD_LIMITS.zipBytes + 1), /larger than 10 MB/);
  });

  it('a zip entry with ../ or an absolute path', () => {
    refused('a.zip', zipSync({ 'library/../../evil.yaml': utf8('a: 1') }), /unsafe path/);
    refused('a.zip', zipSync({ '/etc/evil.yaml': utf8('a: 1') }), /unsafe path/);
    refused('a.zip', zipSync({ 'C:\\evil.yaml': utf8('a: 1') }), /unsafe path/);
  });

  it('a zip bomb, stopped while unpacking, and too many entries', () => {
    const bomb = zipSync(
      { 'library/tb/a.en.yaml': new Uint8Array(64 * 1024 * 1024).fill(0x20) },
      { level: 9 },
    );
    expect(bomb.length).toBeLessThan(UPLOAD_LIMITS.zipBytes);
    refused('bomb.zip', bomb, /unpacks to more than 2 MB/);
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 30; i++) many[`library/tb/a${i}.en.yaml`] = new Uint8Array(1024 * 1024).fill(0x20);
    refused('wide.zip', zipSync(many, { level: 9 }), /unpacks to more than 20 MB/);
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i <= UPLOAD_LIMITS.zipEntries; i++) files[`glossary/x${i}.yaml`] = utf8('a: 1');
    refused('many.zip', zipSync(files), /more than 500 files/);
  });

  it('a binary renamed .yaml, text that is not UTF-8, files of other kinds', () => {
    refused(
      'photo.yaml',
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      /not a text file|not UTF-8/,
    );
    refused('tiny.yaml', utf8('id: x\u0000\u0001'), /not a text file/);
    refused('latin1.yaml', new Uint8Array([0x69, 0x64, 0x3a, 0x20, 0x63, 0x61, 0x66, 0xe9]), /not UTF-8/);
    refused('script.sh', utf8('echo hi'), /not a content file/);
    refused('a.zip', zipSync({ 'library/tb/run.exe': utf8('MZ') }), /not a \.yaml/);
    refused('a.zip', utf8('this is not a zip'), /not a readable zip|no content files/);
  });

  it('YAML whose aliases expand without bound', () => {
    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    refused('laughs.yaml', utf8(lines.join('\n')), /anchors and aliases that expand too far/);
    refused('a.zip', zipSync({ 'glossary/laughs.yaml': utf8(lines.join('\n')) }), /expand too far/);
  });
});

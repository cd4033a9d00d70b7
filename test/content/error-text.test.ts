import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  contentPath,
  describeContentError,
  describeRefusal,
  listContentErrors,
} from '../../src/content/error-text.js';
import { loadContent } from '../../src/content/load-content.js';
import { placeUpload } from '../../src/content/versions/place-upload.js';
import { readUpload, UploadRefused } from '../../src/content/versions/upload.js';
import { VersionStoreError } from '../../src/content/versions/version-store.js';
import type { ContentError } from '../../src/content/yaml-file.js';
import { createTranslations, readLocales, type Translator } from '../../src/i18n/i18n.js';
import { localesDir, projectRoot } from '../../src/paths.js';
import { tempDataDir } from '../support/fakes.js';

const REVIEW = { status: 'draft', by: null, date: null, checks: [] };
const SOURCES = [{ title: 'Tuberculosis fact sheet', publisher: 'World Health Organization', year: 2025 }];

const article = (id: string, extra: Record<string, unknown> = {}) =>
  stringify({
    id,
    schemaVersion: 1,
    kind: 'article',
    lang: 'en',
    topic: 'tb',
    title: `About ${id}`,
    summary: 'A short summary.',
    sources: SOURCES,
    review: REVIEW,
    sections: [{ id: 'one', heading: 'One', body: 'TB spreads through the air.' }],
    ...extra,
  });

const moduleText = (id: string) =>
  stringify({
    id,
    schemaVersion: 1,
    kind: 'module',
    lang: 'en',
    topic: 'tb',
    title: `Module ${id}`,
    summary: 'A short module.',
    sources: SOURCES,
    review: REVIEW,
    steps: [1, 2, 3, 4, 5].map((n) => ({
      id: `s${n}`,
      title: `Step ${n}`,
      body: `Step ${n} of the lesson.`,
    })),
    quiz: [1, 2, 3, 4].map((n) => ({
      id: `q${n}`,
      question: `Question ${n}?`,
      options: [
        { text: 'Yes', feedback: 'Right.' },
        { text: 'No', feedback: 'Not quite.' },
      ],
      answer: 1,
    })),
  });

/** A small content folder: an article linking to a module, and the module. */
const GOOD: Record<string, string> = {
  'library/tb/tb-air.en.yaml': article('tb-air', { module: 'tb-lesson' }),
  'modules/tb-lesson.en.yaml': moduleText('tb-lesson'),
};

function folder(files: Record<string, string>): string {
  const dir = tempDataDir();
  for (const [rel, text] of Object.entries({ ...GOOD, ...files })) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** The line of the first line of `text` that starts (after indentation) with `start`. */
const lineOf = (text: string, start: string) =>
  text.split('\n').findIndex((l) => l.trimStart().startsWith(start)) + 1;

const BROKEN = article('tb-broken', {
  title: 42,
  summary: undefined,
  colour: 'blue',
  sections: [{ id: 'one', heading: 'One', body: 'x'.repeat(801) }],
});
const LINKS = article('tb-links', { module: 'tb-nowhere' });
const SYNTAX = 'id: tb-syntax\ntitle: "unclosed\nsummary: fine\n';

let pt: Translator;
let sw: Translator;
let en: Translator;
beforeAll(async () => {
  const translations = await createTranslations(localesDir);
  pt = translations.t('pt');
  sw = translations.t('sw');
  en = translations.t('en');
});

/** A rendered line never shows a raw key, a placeholder or a missing value. */
const expectClean = (text: string) => {
  expect(text).not.toMatch(/\{\{|\}\}|contentErrors:|undefined|\[object/);
};

describe('content errors carry a code and values, and read in the trainer language', () => {
  let errors: ContentError[];
  beforeAll(async () => {
    const dir = folder({
      'library/tb/tb-broken.en.yaml': BROKEN,
      'library/tb/tb-links.en.yaml': LINKS,
      'library/tb/tb-syntax.en.yaml': SYNTAX,
      // A module with the id of an article: ids are unique across kinds.
      'modules/tb-air.en.yaml': moduleText('tb-air'),
    });
    errors = (await loadContent(dir)).errors;
  });

  it('the small folder itself is valid', async () => {
    expect((await loadContent(folder({}))).errors).toEqual([]);
  });

  it('gives each kind of problem its code, its values and its line', () => {
    const of = (file: string, code: string) =>
      errors.find((e) => e.file.endsWith(file) && e.code === code) as ContentError;
    expect(of('tb-broken.en.yaml', 'schema.wrongType')).toMatchObject({
      path: 'title',
      params: { expected: 'string', received: 'number' },
      line: lineOf(BROKEN, 'title:'),
    });
    expect(of('tb-broken.en.yaml', 'schema.missing')).toMatchObject({
      path: 'summary',
      params: { expected: 'string' },
    });
    expect(of('tb-broken.en.yaml', 'schema.tooLong')).toMatchObject({
      path: 'sections[0].body',
      params: { max: 800 },
      line: lineOf(BROKEN, 'body:'),
    });
    // The line of the unknown key itself, though zod reports it on the object that holds it.
    expect(of('tb-broken.en.yaml', 'schema.unknownKeys')).toMatchObject({
      path: '',
      params: { keys: 'colour' },
      line: lineOf(BROKEN, 'colour:'),
    });
    expect(errors.find((e) => e.file.endsWith('tb-syntax.en.yaml'))).toMatchObject({
      code: expect.stringMatching(/^yaml\./),
      line: expect.any(Number),
    });
    expect(of('tb-links.en.yaml', 'check.missingModule')).toMatchObject({
      path: 'module',
      params: { id: 'tb-nowhere' },
      line: lineOf(LINKS, 'module:'),
    });
    expect(of('modules/tb-air.en.yaml', 'check.idOfArticle')).toMatchObject({
      path: 'id',
      params: { id: 'tb-air' },
      line: 1,
    });
    for (const e of errors) expect(e.code, e.message).toBeTruthy();
    // Only a field missing at the top of a file has no line of its own.
    expect(errors.filter((e) => !e.line).map((e) => e.code)).toEqual(['schema.missing']);
  });

  it('renders every error in pt and sw with its file inside the content folder, line and place', () => {
    for (const [t, line] of [
      [pt, 'linha'],
      [sw, 'mstari'],
    ] as const) {
      for (const e of errors) {
        const text = describeContentError(t, e);
        expectClean(text);
        expect(text.startsWith(`library/tb/${e.file.split('/').at(-1)}`) || text.startsWith('modules/')).toBe(
          true,
        );
        if (e.line) expect(text).toMatch(new RegExp(`, ${line} ${e.line}[,:] `));
        if (e.path) expect(text).toContain(e.path);
        // Translated, not the English message.
        if (!['schema.invalid', 'yaml.syntax', 'q.testFailed'].includes(e.code ?? ''))
          expect(text).not.toContain(e.message);
      }
    }
    const tooLong = errors.find((e) => e.code === 'schema.tooLong') as ContentError;
    expect(describeContentError(pt, tooLong)).toBe(
      `library/tb/tb-broken.en.yaml, linha ${tooLong.line}, sections[0].body: o texto é demasiado longo (no máximo 800 caracteres)`,
    );
    expect(describeContentError(sw, tooLong)).toContain('si zaidi ya herufi 800');
    const wrongType = errors.find((e) => e.code === 'schema.wrongType') as ContentError;
    expect(describeContentError(pt, wrongType)).toContain('deve ser texto, não um número');
    expect(describeContentError(sw, wrongType)).toContain('inapaswa kuwa maandishi, si namba');
  });

  it('lists errors numbered, at most max, then how many more', () => {
    const list = listContentErrors(pt, errors, 2).split('\n');
    expect(list).toHaveLength(3);
    expect(list[0]).toMatch(/^1\. /);
    expect(list[1]).toMatch(/^2\. /);
    expect(list[2]).toBe(`… e mais ${errors.length - 2}`);
    expect(listContentErrors(sw, errors).split('\n')).toHaveLength(Math.min(errors.length, 15));
  });
});

describe('errors without a known code keep their English detail in a translated sentence', () => {
  it('an unknown code, or none', () => {
    const e: ContentError = {
      file: 'content/countries/ke.yaml',
      path: 'numbers',
      message: 'a detail in English',
    };
    expect(describeContentError(pt, e)).toBe(
      'countries/ke.yaml, numbers: este valor não é válido: a detail in English',
    );
    expect(describeContentError(sw, { ...e, code: 'no.such.code' })).toBe(
      'countries/ke.yaml, numbers: thamani hii si sahihi: a detail in English',
    );
  });

  it('names a file by its path inside the content folder, wherever it was loaded from', () => {
    expect(contentPath('../../tmp/library/x/library/tb/a.en.yaml')).toBe('library/tb/a.en.yaml');
    expect(contentPath('content/questionnaires/archive/q.v1.yaml')).toBe('questionnaires/archive/q.v1.yaml');
    expect(contentPath('/data/content/versions/3/safety/danger-signs.yaml')).toBe('safety/danger-signs.yaml');
    expect(contentPath('modules/m.en.yaml')).toBe('modules/m.en.yaml');
  });
});

describe('upload refusals carry a code and read in the sender language', () => {
  const utf8 = (text: string) => new TextEncoder().encode(text);
  const refusal = (work: () => unknown): UploadRefused => {
    try {
      work();
    } catch (error) {
      if (error instanceof UploadRefused) return error;
      throw error;
    }
    throw new Error('not refused');
  };
  const aliases = ['a: &a [x, x, x, x, x, x, x, x, x]']
    .concat(
      ['b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`)}]`),
    )
    .join('\n');

  const cases: [string, () => unknown, string, Record<string, string | number>][] = [
    [
      'too big',
      () => readUpload('big.yaml', new Uint8Array(3 * 1024 * 1024).fill(0x61)),
      'upload.tooBig',
      { mb: 2 },
    ],
    ['not content', () => readUpload('photo.jpg', utf8('x')), 'upload.notContentFile', { name: 'photo.jpg' }],
    ['not UTF-8', () => readUpload('a.yaml', new Uint8Array([0x61, 0xff, 0xfe])), 'upload.notUtf8', {}],
    ['binary', () => readUpload('a.yaml', utf8('a\u0000b')), 'upload.binary', { name: 'a.yaml' }],
    ['aliases', () => readUpload('a.yaml', utf8(aliases)), 'upload.yamlAliases', {}],
    [
      'unsafe path',
      () => readUpload('a.zip', zipSync({ 'library/../../evil.yaml': utf8('a: 1') })),
      'upload.unsafePath',
      { zip: 'a.zip', entry: 'library/../../evil.yaml' },
    ],
    ['not a zip', () => readUpload('a.zip', utf8('not a zip at all')), 'upload.emptyZip', {}],
    [
      'a zip of a photo',
      () => readUpload('a.zip', zipSync({ 'x.png': utf8('x') })),
      'upload.zipHoldsOther',
      { name: 'x.png' },
    ],
    [
      'cannot place',
      () => placeUpload([{ name: 'notes.yaml', text: 'a: 1' }], new Map()),
      'upload.cannotPlace',
      { name: 'notes.yaml' },
    ],
  ];

  for (const [name, work, code, params] of cases) {
    it(name, () => {
      const refused = refusal(work);
      expect(refused.code).toBe(code);
      expect(refused.params).toMatchObject(params);
      for (const t of [pt, sw]) {
        const text = describeRefusal(t, refused);
        expectClean(text);
        expect(text).not.toBe(describeRefusal(en, refused));
        for (const value of Object.values(refused.params)) expect(text).toContain(String(value));
      }
    });
  }

  it('a publish in progress, and a refusal without a code', () => {
    const busy = new VersionStoreError('Another publish is in progress on this DATA_DIR.', 'store.busy');
    expect(describeRefusal(pt, busy)).toBe(
      'Outra pessoa está a publicar neste momento. Tente de novo daqui a pouco.',
    );
    expect(describeRefusal(sw, { message: 'Disk full.' })).toBe('Faili hili haliwezi kutumika: Disk full.');
  });
});

describe('every code the checks use has a text', () => {
  it('in the English locale (the others are held to the same keys by the locales test)', () => {
    const keys = readLocales(localesDir).en?.contentErrors as Record<string, Record<string, string>>;
    const sources = [
      'src/content/yaml-file.ts',
      'src/content/load-content.ts',
      'src/content/cross-check.ts',
      'src/content/schema-issues.ts',
      'src/content/schemas.ts',
      'src/screening/check-questionnaires.ts',
      'src/content/versions/upload.ts',
      'src/content/versions/place-upload.ts',
      'src/content/versions/version-store.ts',
    ];
    const codes = new Set<string>();
    for (const file of sources) {
      const text = readFileSync(join(projectRoot, file), 'utf8');
      for (const m of text.matchAll(
        /'((?:schema|format|refine|yaml|load|check|q|upload|store)\.[A-Za-z]+)'/g,
      ))
        codes.add(m[1] as string);
    }
    expect(codes.size).toBeGreaterThan(60);
    const missing = [...codes].filter((code) => {
      const [group, key] = code.split('.') as [string, string];
      return typeof keys[group]?.[key] !== 'string';
    });
    expect(missing).toEqual([]);
  });
});

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { loadContent } from '../../src/content/load-content.js';
import { formatError } from '../../src/content/yaml-file.js';
import { silentLogger } from '../../src/logging/logger.js';
import { contentDir } from '../../src/paths.js';
import { tempDataDir } from '../support/fakes.js';

const ARTICLE = 'library/tb/tb-signs-and-screening.en.yaml';
const MODULE = 'modules/tb-basics.en.yaml';

/** A copy of the real content, to break one way at a time. */
function fixture(): string {
  const dir = tempDataDir();
  cpSync(contentDir, dir, { recursive: true });
  return dir;
}

const edit = (dir: string, rel: string, change: (text: string) => string) =>
  writeFileSync(join(dir, rel), change(readFileSync(join(dir, rel), 'utf8')));

async function errorsOf(dir: string): Promise<string[]> {
  return (await loadContent(dir)).errors.map(formatError);
}

describe('content validate', () => {
  it('passes the real content/', async () => {
    const { errors, files } = await loadContent(contentDir);
    expect(errors.map(formatError)).toEqual([]);
    expect(files).toBeGreaterThan(10);
  });

  it('passes the untouched fixture', async () => {
    expect(await errorsOf(fixture())).toEqual([]);
  });

  it('catches a duplicate id', async () => {
    const dir = fixture();
    cpSync(join(dir, ARTICLE), join(dir, 'library/tb/copy.en.yaml'));
    const errors = await errorsOf(dir);
    expect(errors.some((e) => /duplicate id "tb-signs-and-screening" in en/.test(e))).toBe(true);
    expect(
      errors.some((e) => e.includes('copy.en.yaml: file name must be tb-signs-and-screening.en.yaml')),
    ).toBe(true);
  });

  it('catches an unknown topic, naming the file, line and field', async () => {
    const dir = fixture();
    edit(dir, MODULE, (t) => t.replace('topic: tb', 'topic: tuberculosis'));
    const errors = await errorsOf(dir);
    expect(errors).toContainEqual(
      expect.stringMatching(/tb-basics\.en\.yaml: line \d+: topic: .*expected one of/i),
    );
  });

  it('catches a quiz answer key out of range', async () => {
    const dir = fixture();
    edit(dir, MODULE, (t) => t.replace('answer: 2\n', 'answer: 7\n'));
    expect(await errorsOf(dir)).toContainEqual(
      expect.stringMatching(
        /tb-basics\.en\.yaml: line \d+: quiz\[0\]\.answer: answer 7 is out of range \(options 1 to 3\)/,
      ),
    );
  });

  it('catches a lesson step that is too long', async () => {
    const dir = fixture();
    edit(dir, MODULE, (t) =>
      t.replace(
        'It does not pass through sharing',
        `${'Very long. '.repeat(60)}It does not pass through sharing`,
      ),
    );
    expect(await errorsOf(dir)).toContainEqual(
      expect.stringMatching(/line \d+: steps\[0\]\.body: is too long \(at most 600 characters\)/),
    );
  });

  it('catches a translation whose structure differs from its source', async () => {
    const dir = fixture();
    const source = readFileSync(join(dir, MODULE), 'utf8');
    writeFileSync(
      join(dir, 'modules/tb-basics.sw.yaml'),
      source
        .replace('lang: en', 'lang: sw')
        .replace('id: prevention', 'id: kinga')
        .replace('answer: 3\n', 'answer: 1\n'),
    );
    const errors = await errorsOf(dir);
    expect(errors).toContainEqual(
      expect.stringMatching(/tb-basics\.sw\.yaml: line \d+: steps: steps differ from the English source/),
    );
    expect(errors).toContainEqual(expect.stringMatching(/quiz\[1\]\.answer: is 1; the English answer is 3/));
  });

  it('catches broken YAML with its line, and keeps checking the other files', async () => {
    const dir = fixture();
    edit(dir, ARTICLE, (t) => t.replace('title: Signs of TB', 'title: [Signs of TB'));
    edit(dir, MODULE, (t) => t.replace('topic: tb', 'topic: nope'));
    const errors = await errorsOf(dir);
    expect(errors).toContainEqual(
      expect.stringMatching(/tb-signs-and-screening\.en\.yaml: line \d+: YAML syntax/),
    );
    expect(errors.some((e) => e.includes('tb-basics.en.yaml'))).toBe(true);
  });

  it('catches links to items that do not exist and missing sources', async () => {
    const dir = fixture();
    edit(dir, ARTICLE, (t) =>
      t.replace('module: tb-basics', 'module: tb-advanced').replace('  - tb-and-hiv', '  - nowhere'),
    );
    const errors = await errorsOf(dir);
    expect(errors).toContainEqual(
      expect.stringMatching(/module: links to the module "tb-advanced", which does not exist/),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(/related\[0\]: links to "nowhere", which does not exist/),
    );
  });

  it('refuses an approved review without the clinician who approved it', async () => {
    const dir = fixture();
    edit(dir, ARTICLE, (t) => t.replace('status: draft', 'status: approved'));
    expect(await errorsOf(dir)).toContainEqual(expect.stringMatching(/names the clinician who approved it/));
  });

  it('stops the bot from starting on invalid content, listing the errors', async () => {
    const dir = fixture();
    edit(dir, MODULE, (t) => t.replace('answer: 2\n', 'answer: 9\n'));
    const config = loadConfig({ DATA_DIR: tempDataDir(), LOG_LEVEL: 'silent' });
    await expect(createApp(config, { contentDir: dir, logger: silentLogger() })).rejects.toThrow(
      /content is not valid[\s\S]*answer 9 is out of range/,
    );
  });
});

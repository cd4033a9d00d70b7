import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlJournal, parseJsonl } from '../../src/store/lowdb/jsonl-journal.js';
import { tempDataDir } from '../support/fakes.js';

interface Rec {
  at: string;
  client: string;
  n: number;
}

describe('JSON Lines journal', () => {
  it('appends one file per month, durable and owner-only, and reads everything back in order', async () => {
    const dir = tempDataDir();
    const journal = await JsonlJournal.open<Rec>(dir);
    await journal.append({ at: '2026-10-31T23:59:59.000Z', client: 'a', n: 1 });
    await Promise.all([
      journal.append({ at: '2026-11-01T00:00:00.000Z', client: 'b', n: 2 }),
      journal.append({ at: '2026-11-02T00:00:00.000Z', client: 'a', n: 3 }),
    ]);
    await journal.close();
    expect(readFileSync(join(dir, '2026-10.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(readFileSync(join(dir, '2026-11.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(statSync(join(dir, '2026-11.jsonl')).mode & 0o777).toBe(0o600);
    const reopened = await JsonlJournal.open<Rec>(dir);
    expect(reopened.all().map((r) => r.n)).toEqual([1, 2, 3]);
    await reopened.close();
  });

  it('ignores a torn last line on open and truncates it so the next append starts clean', async () => {
    const dir = tempDataDir();
    const file = join(dir, '2026-11.jsonl');
    writeFileSync(file, '{"at":"2026-11-01T00:00:00.000Z","client":"a","n":1}\n{"at":"2026-11-01T00:0');
    const torn: string[] = [];
    const journal = await JsonlJournal.open<Rec>(dir, (f) => torn.push(f));
    expect(torn).toEqual(['2026-11.jsonl']);
    expect(journal.all()).toHaveLength(1);
    await journal.append({ at: '2026-11-03T00:00:00.000Z', client: 'b', n: 2 });
    await journal.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).n)).toEqual([1, 2]);
  });

  it('refuses to open a journal corrupted in the middle instead of silently losing records', async () => {
    const dir = tempDataDir();
    appendFileSync(
      join(dir, '2026-11.jsonl'),
      '{"at":"2026-11-01T00:00:00.000Z"}\nGARBAGE\n{"at":"2026-11-02T00:00:00.000Z"}\n',
    );
    await expect(JsonlJournal.open<Rec>(dir)).rejects.toThrow(/corrupt journal line/);
  });

  it('erases records for good by rewriting the affected files, and keeps appending afterwards', async () => {
    const dir = tempDataDir();
    const journal = await JsonlJournal.open<Rec>(dir);
    for (let n = 0; n < 6; n++) {
      await journal.append({
        at: `2026-${n < 3 ? '10' : '11'}-0${n + 1}T00:00:00.000Z`,
        client: n % 2 ? 'x' : 'y',
        n,
      });
    }
    expect(await journal.remove((r) => r.client === 'x')).toBe(3);
    await journal.append({ at: '2026-11-20T00:00:00.000Z', client: 'x', n: 9 });
    await journal.close();
    const text =
      readFileSync(join(dir, '2026-10.jsonl'), 'utf8') + readFileSync(join(dir, '2026-11.jsonl'), 'utf8');
    expect(text).not.toContain('"n":1');
    const reopened = await JsonlJournal.open<Rec>(dir);
    expect(reopened.all().map((r) => r.n)).toEqual([0, 2, 4, 9]);
    await reopened.close();
  });

  it('parses JSON Lines with blank lines and reports a partial last line as torn', () => {
    expect(parseJsonl('{"a":1}\n\n{"a":2}\n')).toEqual({
      records: [{ a: 1 }, { a: 2 }],
      validLength: 17,
      torn: false,
    });
    expect(parseJsonl('{"a":1}\n{"a"')).toMatchObject({ records: [{ a: 1 }], validLength: 8, torn: true });
    expect(parseJsonl('{"a":1}\n{"a":\n')).toMatchObject({ records: [{ a: 1 }], torn: true });
  });
});

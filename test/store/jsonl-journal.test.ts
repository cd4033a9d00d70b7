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
    await journal.write([{ unit: 1, record: { at: '2026-10-31T23:59:59.000Z', client: 'a', n: 1 } }]);
    await journal.write([
      { unit: 2, record: { at: '2026-11-01T00:00:00.000Z', client: 'b', n: 2 } },
      { unit: 3, record: { at: '2026-11-02T00:00:00.000Z', client: 'a', n: 3 } },
    ]);
    // A replay of units already in the files writes nothing twice.
    await journal.write([{ unit: 3, record: { at: '2026-11-02T00:00:00.000Z', client: 'a', n: 3 } }]);
    await journal.close();
    expect(readFileSync(join(dir, '2026-10.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(readFileSync(join(dir, '2026-11.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(statSync(join(dir, '2026-11.jsonl')).mode & 0o777).toBe(0o600);
    const reopened = await JsonlJournal.open<Rec>(dir);
    expect(reopened.query().map((r) => r.n)).toEqual([1, 2, 3]);
    expect(reopened.writtenUpTo('2026-11')).toBe(3);
    expect(reopened.writtenUpTo('2026-10')).toBe(1);
    // Records come back without the unit field.
    expect(Object.keys(reopened.query()[0] ?? {})).toEqual(['at', 'client', 'n']);
    await reopened.close();
  });

  it('answers queries by time range and by field', async () => {
    const journal = await JsonlJournal.open<Rec>(tempDataDir());
    for (let n = 0; n < 10; n++)
      journal.add({ at: `2026-11-0${n}T12:00:00.000Z`, client: n % 2 ? 'x' : 'y', n });
    // A record whose time is before the last one (a clock set back) still lands in order.
    journal.add({ at: '2026-11-03T00:00:00.000Z', client: 'z', n: 99 });
    expect(journal.query({ from: '2026-11-03', to: '2026-11-05' }).map((r) => r.n)).toEqual([99, 3, 4]);
    expect(journal.query({ where: { clientId: 'x' } })).toEqual([]);
    const byClient = journal.query({ from: '2026-11-05' }).filter((r) => r.client === 'x');
    expect(byClient.map((r) => r.n)).toEqual([5, 7, 9]);
    await journal.close();
  });

  it('ignores a torn last line on open and truncates it so the next append starts clean', async () => {
    const dir = tempDataDir();
    const file = join(dir, '2026-11.jsonl');
    writeFileSync(file, '{"at":"2026-11-01T00:00:00.000Z","client":"a","n":1}\n{"at":"2026-11-01T00:0');
    const torn: string[] = [];
    const journal = await JsonlJournal.open<Rec>(dir, (f) => torn.push(f));
    expect(torn).toEqual(['2026-11.jsonl']);
    expect(journal.query()).toHaveLength(1);
    await journal.write([{ unit: 1, record: { at: '2026-11-03T00:00:00.000Z', client: 'b', n: 2 } }]);
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
      const record = {
        at: `2026-${n < 3 ? '10' : '11'}-0${n + 1}T00:00:00.000Z`,
        client: n % 2 ? 'x' : 'y',
        n,
      };
      journal.add(record);
      await journal.write([{ unit: n + 1, record }]);
    }
    const erase = (r: Rec) => (r.client === 'x' ? null : r);
    expect(journal.transform(erase)).toBe(3);
    expect(await journal.rewriteFiles(erase)).toBe(3);
    await journal.write([{ unit: 7, record: { at: '2026-11-20T00:00:00.000Z', client: 'x', n: 9 } }]);
    await journal.close();
    const text =
      readFileSync(join(dir, '2026-10.jsonl'), 'utf8') + readFileSync(join(dir, '2026-11.jsonl'), 'utf8');
    expect(text).not.toContain('"n":1');
    const reopened = await JsonlJournal.open<Rec>(dir);
    expect(reopened.query().map((r) => r.n)).toEqual([0, 2, 4, 9]);
    // The unit numbers survive a rewrite, so a replay still knows what is in the files.
    expect(reopened.writtenUpTo('2026-11')).toBe(7);
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

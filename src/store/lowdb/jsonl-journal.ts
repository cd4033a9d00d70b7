import { type FileHandle, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Journal, JournalRecord } from '../port.js';
import { ensureDir, FILE_MODE, readFileIfExists, syncDir, writeFileAtomic } from './atomic-file.js';

const MONTH_FILE = /^(\d{4}-\d{2})\.jsonl$/;

/**
 * An append-only JSON Lines journal, one file per month (YYYY-MM.jsonl, by the record's `at` in UTC).
 * Appends are group-committed: records appended while an fsync is running share the next fsync, so throughput
 * holds up under load while every append still resolves only once its record is on disk.
 */
export class JsonlJournal<T extends JournalRecord> implements Journal<T> {
  private records: T[] = [];
  private handles = new Map<string, FileHandle>();
  private batch: { month: string; line: string }[] = [];
  private batchDone: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  /** Serialises appends with rewrites (erasure), which replace files under the append handles. */
  private rewriting: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {}

  static async open<T extends JournalRecord>(
    dir: string,
    onTornLine?: (file: string) => void,
  ): Promise<JsonlJournal<T>> {
    await ensureDir(dir);
    const journal = new JsonlJournal<T>(dir);
    for (const file of await journal.monthFiles()) {
      const text = (await readFileIfExists(join(dir, file))) ?? '';
      const { records, validLength, torn } = parseJsonl<T>(text);
      journal.records.push(...records);
      if (torn) {
        // A crash mid-append leaves a partial last line: drop it so the next append starts on a clean line.
        onTornLine?.(file);
        const handle = await open(join(dir, file), 'r+');
        await handle.truncate(Buffer.byteLength(text.slice(0, validLength)));
        await handle.sync();
        await handle.close();
      }
    }
    journal.records.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return journal;
  }

  all(): readonly T[] {
    return this.records;
  }

  append(record: T): Promise<void> {
    const month = record.at.slice(0, 7);
    if (!/^\d{4}-\d{2}$/.test(month))
      return Promise.reject(new Error(`record has no valid 'at': ${record.at}`));
    const done = new Promise<void>((resolve, reject) => {
      this.batch.push({ month, line: `${JSON.stringify(record)}\n` });
      this.batchDone.push({ resolve, reject });
    });
    this.records.push(record);
    if (!this.flushing) this.flushing = this.flushBatches();
    return done;
  }

  remove(predicate: (record: T) => boolean): Promise<number> {
    return this.rewrite((record) => (predicate(record) ? null : record));
  }

  async rewrite(transform: (record: T) => T | null): Promise<number> {
    const work = this.rewriting.then(async () => {
      await this.flushing;
      let changed = 0;
      for (const file of await this.monthFiles()) {
        const path = join(this.dir, file);
        const { records } = parseJsonl<T>((await readFileIfExists(path)) ?? '');
        const lines: string[] = [];
        let fileChanged = 0;
        for (const record of records) {
          const next = transform(record);
          if (next !== record) fileChanged++;
          if (next) lines.push(`${JSON.stringify(next)}\n`);
        }
        if (fileChanged === 0) continue;
        changed += fileChanged;
        await this.handles.get(file.slice(0, 7))?.close();
        this.handles.delete(file.slice(0, 7));
        await writeFileAtomic(path, lines.join(''));
      }
      this.records = this.records.map(transform).filter((r): r is T => r !== null);
      return changed;
    });
    this.rewriting = work.catch(() => undefined);
    return work;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.rewriting;
    for (const handle of this.handles.values()) await handle.close();
    this.handles.clear();
  }

  private async flushBatches(): Promise<void> {
    while (this.batch.length > 0) {
      const batch = this.batch;
      const waiters = this.batchDone;
      this.batch = [];
      this.batchDone = [];
      try {
        await this.rewriting;
        const byMonth = new Map<string, string>();
        for (const { month, line } of batch) byMonth.set(month, (byMonth.get(month) ?? '') + line);
        for (const [month, text] of byMonth) {
          const handle = await this.handle(month);
          await handle.write(text);
          await handle.datasync();
        }
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
    this.flushing = null;
  }

  private async handle(month: string): Promise<FileHandle> {
    let handle = this.handles.get(month);
    if (!handle) {
      handle = await open(join(this.dir, `${month}.jsonl`), 'a', FILE_MODE);
      this.handles.set(month, handle);
      await syncDir(this.dir);
    }
    return handle;
  }

  private async monthFiles(): Promise<string[]> {
    return (await readdir(this.dir)).filter((f) => MONTH_FILE.test(f)).sort();
  }
}

/** Parses JSON Lines; a last line without its newline, or that does not parse, is a torn write and is skipped. */
export function parseJsonl<T>(text: string): { records: T[]; validLength: number; torn: boolean } {
  const records: T[] = [];
  let offset = 0;
  while (offset < text.length) {
    const end = text.indexOf('\n', offset);
    if (end === -1) return { records, validLength: offset, torn: true };
    const line = text.slice(offset, end);
    if (line.trim() !== '') {
      try {
        records.push(JSON.parse(line) as T);
      } catch {
        const isLast = end === text.length - 1;
        if (isLast) return { records, validLength: offset, torn: true };
        throw new Error(`corrupt journal line at character ${offset}`);
      }
    }
    offset = end + 1;
  }
  return { records, validLength: offset, torn: false };
}

import { type FileHandle, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type JournalQuery, type JournalRecord, matchesQuery } from '../port.js';
import { ensureDir, FILE_MODE, readFileIfExists, syncDir, writeFileAtomic } from './atomic-file.js';

const MONTH_FILE = /^(\d{4}-\d{2})\.jsonl$/;
/** The field on disk naming the unit of work that wrote a line, so replaying the write-ahead log is idempotent. */
export const UNIT_FIELD = '_u';

/** A record with the unit that wrote it (0: written before units existed, or outside the log). */
export interface UnitLine {
  unit: number;
  record: JournalRecord;
}

/**
 * An append-only JSON Lines journal, one file per month (YYYY-MM.jsonl, by the record's `at` in UTC), with every
 * record also held in memory, in time order, for queries. The store decides when lines reach the files: a unit of
 * work is durable in the write-ahead log first, and its records are written here at the next checkpoint, each
 * line tagged with its unit so a replay after a crash never writes a record twice.
 */
export class JsonlJournal<T extends JournalRecord> {
  private records: T[] = [];
  private handles = new Map<string, FileHandle>();
  /** Per month file, the highest unit whose lines are in it. */
  private readonly lastUnit = new Map<string, number>();
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {}

  static async open<T extends JournalRecord>(
    dir: string,
    onTornLine?: (file: string) => void,
  ): Promise<JsonlJournal<T>> {
    await ensureDir(dir);
    const journal = new JsonlJournal<T>(dir);
    for (const file of await journal.monthFiles()) {
      const text = (await readFileIfExists(join(dir, file))) ?? '';
      const { records, validLength, torn } = parseJsonl<T & { [UNIT_FIELD]?: number }>(text);
      for (const line of records) {
        const unit = line[UNIT_FIELD];
        if (typeof unit === 'number') {
          const month = file.slice(0, 7);
          journal.lastUnit.set(month, Math.max(journal.lastUnit.get(month) ?? 0, unit));
          delete line[UNIT_FIELD];
        }
        journal.records.push(line);
      }
      if (torn) {
        // A crash mid-append leaves a partial last line: drop it so the next append starts on a clean line.
        onTornLine?.(file);
        const handle = await open(join(dir, file), 'r+');
        await handle.truncate(Buffer.byteLength(text.slice(0, validLength)));
        await handle.sync();
        await handle.close();
      }
    }
    journal.records.sort(byTime);
    return journal;
  }

  /** The highest unit of work whose records are already in a month's file. */
  writtenUpTo(month: string): number {
    return this.lastUnit.get(month) ?? 0;
  }

  /** The highest unit of work in any file. */
  get highestUnit(): number {
    return Math.max(0, ...this.lastUnit.values());
  }

  get size(): number {
    return this.records.length;
  }

  /** Matching records, oldest first; a time range is found by binary search. */
  query(query?: JournalQuery): T[] {
    const start = query?.from === undefined ? 0 : lowerBound(this.records, query.from);
    const end = query?.to === undefined ? this.records.length : lowerBound(this.records, query.to);
    const out: T[] = [];
    for (let i = start; i < end; i++) {
      const record = this.records[i] as T;
      if (matchesQuery(record, query?.where ? { where: query.where } : undefined)) out.push(record);
    }
    return out;
  }

  /** Adds a committed record to memory (it reaches the files at the next `write`). */
  add(record: T): void {
    const last = this.records[this.records.length - 1];
    if (!last || last.at <= record.at) this.records.push(record);
    // Out of time order (a clock set back): insert after every record at or before it.
    else this.records.splice(upperBound(this.records, record.at), 0, record);
  }

  /** Takes back a record added by a unit whose commit failed. */
  undo(record: T): void {
    const at = this.records.lastIndexOf(record);
    if (at >= 0) this.records.splice(at, 1);
  }

  /** Applies a rewrite to the records in memory (the files follow with `rewriteFiles`). */
  transform(transform: (record: T) => T | null): number {
    let changed = 0;
    const next: T[] = [];
    for (const record of this.records) {
      const out = transform(record);
      if (out !== record) changed++;
      if (out) next.push(out);
    }
    this.records = next;
    return changed;
  }

  /** Appends lines of units not yet in the files, and makes them durable. */
  write(lines: readonly { unit: number; record: T }[]): Promise<void> {
    const work = this.writing.then(async () => {
      const byMonth = new Map<string, { text: string; unit: number }>();
      for (const { unit, record } of lines) {
        const month = monthOf(record);
        if (unit > 0 && unit <= this.writtenUpTo(month)) continue;
        const line = `${JSON.stringify(unit > 0 ? { ...record, [UNIT_FIELD]: unit } : record)}\n`;
        const entry = byMonth.get(month) ?? { text: '', unit: 0 };
        byMonth.set(month, { text: entry.text + line, unit: Math.max(entry.unit, unit) });
      }
      for (const [month, { text, unit }] of byMonth) {
        const handle = await this.handle(month);
        await handle.write(text);
        await handle.datasync();
        this.lastUnit.set(month, Math.max(this.writtenUpTo(month), unit));
      }
    });
    this.writing = work.catch(() => undefined);
    return work;
  }

  /** Rewrites the files whose records a transform changes, each by atomic replace (erasure on request). */
  rewriteFiles(transform: (record: T) => T | null): Promise<number> {
    const work = this.writing.then(async () => {
      let changed = 0;
      for (const file of await this.monthFiles()) {
        const path = join(this.dir, file);
        const { records } = parseJsonl<T & { [UNIT_FIELD]?: number }>((await readFileIfExists(path)) ?? '');
        const lines: string[] = [];
        let fileChanged = 0;
        for (const line of records) {
          const unit = line[UNIT_FIELD];
          delete line[UNIT_FIELD];
          const next = transform(line);
          if (next !== line) fileChanged++;
          if (next) lines.push(`${JSON.stringify(unit ? { ...next, [UNIT_FIELD]: unit } : next)}\n`);
        }
        if (fileChanged === 0) continue;
        changed += fileChanged;
        await this.handles.get(file.slice(0, 7))?.close();
        this.handles.delete(file.slice(0, 7));
        await writeFileAtomic(path, lines.join(''));
      }
      return changed;
    });
    this.writing = work.catch(() => undefined);
    return work;
  }

  async close(): Promise<void> {
    await this.writing;
    for (const handle of this.handles.values()) await handle.close();
    this.handles.clear();
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

export function monthOf(record: JournalRecord): string {
  const month = typeof record.at === 'string' ? record.at.slice(0, 7) : '';
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`record has no valid 'at': ${String(record.at)}`);
  return month;
}

const byTime = (a: JournalRecord, b: JournalRecord): number => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

/** The first index whose record is at or after `at`. */
function lowerBound(records: readonly JournalRecord[], at: string): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((records[mid] as JournalRecord).at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose record is after `at`. */
function upperBound(records: readonly JournalRecord[], at: string): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((records[mid] as JournalRecord).at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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

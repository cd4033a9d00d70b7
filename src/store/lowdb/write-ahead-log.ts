import { type FileHandle, open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Change } from '../port.js';
import { ensureDir, FILE_MODE, readFileIfExists, syncDir } from './atomic-file.js';
import { parseJsonl } from './jsonl-journal.js';

/** One committed unit of work as it sits in the log. */
export interface LoggedUnit {
  unit: number;
  changes: Change[];
}

const GENERATION_FILE = /^(\d{8})\.jsonl$/;
const fileOf = (generation: number) => `${String(generation).padStart(8, '0')}.jsonl`;

/**
 * The write-ahead log of the embedded store: a unit of work is committed when its one line is on disk. Appends are
 * group-committed (units arriving while an fdatasync runs share the next one). The log is cut into generations:
 * a checkpoint starts a new generation, writes the state files and journals, then deletes the older generations.
 */
export class WriteAheadLog {
  private current: Generation;

  private constructor(
    private readonly dir: string,
    generation: number,
  ) {
    this.current = new Generation(join(dir, fileOf(generation)), generation);
  }

  /** Opens the log and returns the units still in it, oldest first (a torn last line is dropped). */
  static async open(
    dir: string,
    onTornLine?: (file: string) => void,
  ): Promise<{ log: WriteAheadLog; units: LoggedUnit[] }> {
    await ensureDir(dir);
    const files = (await readdir(dir)).filter((f) => GENERATION_FILE.test(f)).sort();
    const units: LoggedUnit[] = [];
    for (const file of files) {
      const text = (await readFileIfExists(join(dir, file))) ?? '';
      const { records, torn } = parseJsonl<LoggedUnit>(text);
      // A torn line is a unit whose commit never completed (its sender was never told it was saved).
      if (torn) onTornLine?.(file);
      units.push(...records);
    }
    units.sort((a, b) => a.unit - b.unit);
    const last = files.at(-1);
    const generation = last ? Number(GENERATION_FILE.exec(last)?.[1]) + 1 : 1;
    return { log: new WriteAheadLog(dir, generation), units };
  }

  /** Resolves once the unit's line is durable. */
  append(unit: LoggedUnit): Promise<void> {
    return this.current.append(`${JSON.stringify(unit)}\n`);
  }

  /**
   * Starts a new generation for the units that follow. The promise resolves once every unit of the older
   * generations is durable, with a function that deletes them (call it once their effects are in the state files).
   */
  async rotate(): Promise<{ ok: boolean; retire: () => Promise<void> }> {
    const old = this.current;
    this.current = new Generation(join(this.dir, fileOf(old.generation + 1)), old.generation + 1);
    const ok = await old.finish();
    return {
      ok,
      retire: async () => {
        const files = (await readdir(this.dir)).filter(
          (f) => GENERATION_FILE.test(f) && Number(GENERATION_FILE.exec(f)?.[1]) <= old.generation,
        );
        for (const f of files) await unlink(join(this.dir, f)).catch(() => undefined);
        if (files.length > 0) await syncDir(this.dir);
      },
    };
  }

  async close(): Promise<void> {
    await this.current.finish();
  }
}

/** One file of the log with its group-commit loop. */
class Generation {
  private handle: FileHandle | null = null;
  private batch: string[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private failed = false;
  /** Bytes known to be in the file, so a half-written batch can be cut off without asking the file system. */
  private size = 0;

  constructor(
    readonly path: string,
    readonly generation: number,
  ) {}

  append(line: string): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.batch.push(line);
      this.waiters.push({ resolve, reject });
    });
    this.flushing ??= this.flush();
    return done;
  }

  /** Waits for the appends in flight; false if any of them failed. */
  async finish(): Promise<boolean> {
    while (this.flushing) await this.flushing;
    await this.handle?.close();
    this.handle = null;
    return !this.failed;
  }

  private async flush(): Promise<void> {
    while (this.batch.length > 0) {
      const lines = this.batch.join('');
      const waiters = this.waiters;
      this.batch = [];
      this.waiters = [];
      try {
        if (!this.handle) {
          this.handle = await open(this.path, 'a', FILE_MODE);
          this.size = (await this.handle.stat()).size;
          await syncDir(join(this.path, '..'));
        }
        const bytes = Buffer.from(lines);
        try {
          await this.handle.write(bytes);
          await this.handle.datasync();
          this.size += bytes.length;
        } catch (error) {
          // Cut a half-written batch off, so the next line does not start in the middle of a broken one.
          await this.handle.truncate(this.size).catch(() => undefined);
          throw error;
        }
        for (const w of waiters) w.resolve();
      } catch (error) {
        this.failed = true;
        for (const w of waiters) w.reject(error);
      }
    }
    this.flushing = null;
  }
}

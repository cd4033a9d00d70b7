import type { Adapter } from 'lowdb';
import { readFileIfExists, writeFileAtomic } from './atomic-file.js';

/**
 * A lowdb adapter whose writes are atomic and durable (lowdb's own JSONFile renames but does not fsync).
 * Concurrent writes are coalesced: while one is on its way to disk, later ones collapse into a single next write,
 * and every caller's promise resolves only once a write that includes its change is on disk.
 */
export class DurableJsonAdapter<T> implements Adapter<T> {
  private writing: Promise<void> | null = null;
  private next: { data: T; done: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | null =
    null;

  constructor(readonly path: string) {}

  async read(): Promise<T | null> {
    const text = await readFileIfExists(this.path);
    if (text === null) return null;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new Error(
        `${this.path} is not valid JSON (${(error as Error).message}); restore it from a backup.`,
      );
    }
  }

  write(data: T): Promise<void> {
    if (!this.writing) {
      this.writing = this.writeNow(data);
      return this.writing;
    }
    if (this.next) {
      this.next.data = data;
      return this.next.done;
    }
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.next = { data, done, resolve, reject };
    return done;
  }

  private async writeNow(data: T): Promise<void> {
    try {
      await writeFileAtomic(this.path, JSON.stringify(data));
    } finally {
      const queued = this.next;
      this.next = null;
      if (queued) {
        this.writing = this.writeNow(queued.data);
        this.writing.then(queued.resolve, queued.reject);
      } else {
        this.writing = null;
      }
    }
  }
}

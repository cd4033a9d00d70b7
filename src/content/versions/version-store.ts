import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { contentDir as repositoryContentDir } from '../../paths.js';
import { ensureDir, readFileIfExists, syncDir, writeFileAtomic } from '../../store/lowdb/atomic-file.js';
import { contentId } from '../live-content.js';
import { type ContentSet, loadContent } from '../load-content.js';
import type { ContentError } from '../yaml-file.js';
import {
  type ContentTree,
  diffTrees,
  isUnchanged,
  readTree,
  type TreeChanges,
  writeTree,
} from './content-tree.js';
import { placeUpload } from './place-upload.js';
import type { UploadFile } from './upload.js';

/**
 * Content versions in `DATA_DIR/content/`:
 *   versions/<n>/       the whole content folder of version n (a full copy: the content is ~2 MB, and a copy can be
 *                       loaded by the ordinary loader after a restart with nothing to reassemble)
 *   versions/<n>.json   who published it, when, why, what changed, its content hash
 *   current             the number of the live version, replaced atomically (written last)
 *   staging/            an upload checked before it becomes a version (renamed into versions/ when valid)
 *   publish.lock        one publisher at a time (the CLI, and later the bot's chat publishing)
 * Version 1 is the repository's `content/`, copied here when the first version is published, so that rolling back to
 * it gives exactly what was live then even after `content/` changes in git. Until then nothing is written and the
 * repository's `content/` is live.
 */
export const versionRecordSchema = z.object({
  version: z.number().int().positive(),
  contentId: z.string(),
  /** A user id, `cli`, or `repository` for version 1. */
  by: z.string(),
  at: z.string(),
  note: z.string(),
  changes: z.object({
    added: z.array(z.string()),
    changed: z.array(z.string()),
    removed: z.array(z.string()),
  }),
  rollbackOf: z.number().int().positive().optional(),
});
export type VersionRecord = z.infer<typeof versionRecordSchema>;

export type PublishResult =
  | { status: 'published'; record: VersionRecord; content: ContentSet }
  | { status: 'invalid'; errors: ContentError[] }
  | { status: 'unchanged'; current: number };

export interface VersionStoreOptions {
  /** The repository's content folder: version 1. */
  baseDir?: string;
  now?: () => Date;
  /** How small files are replaced atomically (tests make it fail). */
  writeFile?: (path: string, data: string) => Promise<void>;
}

export class VersionStoreError extends Error {
  override name = 'VersionStoreError';
}

const paths = (dataDir: string) => {
  const root = join(dataDir, 'content');
  return {
    root,
    versions: join(root, 'versions'),
    staging: join(root, 'staging'),
    current: join(root, 'current'),
    lock: join(root, 'publish.lock'),
  };
};

/** The number of the live version in DATA_DIR, or null while the repository's content/ is live. */
export async function currentVersion(dataDir: string): Promise<number | null> {
  const text = await readFileIfExists(paths(dataDir).current);
  if (text === null) return null;
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < 1) throw new VersionStoreError(`${paths(dataDir).current} is damaged`);
  return n;
}

/** The folder to load the live content from: the current version in DATA_DIR, else the repository's content/. */
export async function liveContentDir(dataDir: string, baseDir = repositoryContentDir): Promise<string> {
  const n = await currentVersion(dataDir);
  return n === null ? baseDir : join(paths(dataDir).versions, String(n));
}

export class ContentVersionStore {
  private readonly paths: ReturnType<typeof paths>;
  private readonly baseDir: string;
  private readonly now: () => Date;
  private readonly writeFile: (path: string, data: string) => Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dataDir: string,
    options: VersionStoreOptions = {},
  ) {
    this.paths = paths(dataDir);
    this.baseDir = options.baseDir ?? repositoryContentDir;
    this.now = options.now ?? (() => new Date());
    this.writeFile = options.writeFile ?? writeFileAtomic;
  }

  current(): Promise<number | null> {
    return currentVersion(this.dataDir);
  }

  liveDir(): Promise<string> {
    return liveContentDir(this.dataDir, this.baseDir);
  }

  /** Every version, oldest first. Before anything is published, version 1 (the repository's content/) alone. */
  async history(): Promise<VersionRecord[]> {
    const names = await readdir(this.paths.versions).catch(() => [] as string[]);
    const records: VersionRecord[] = [];
    for (const name of names.filter((n) => /^\d+\.json$/.test(n))) {
      const text = await readFile(join(this.paths.versions, name), 'utf8');
      records.push(versionRecordSchema.parse(JSON.parse(text)));
    }
    if (records.length === 0) {
      const { content } = await loadContent(this.baseDir);
      return [this.firstRecord(contentId(content))];
    }
    return records.sort((a, b) => a.version - b.version);
  }

  /**
   * Checks an upload against the live content (an uploaded file replaces the live file of the same path) with the
   * loader's schemas and cross-checks; when valid and different, makes it a new version and the current one.
   * Nothing changes when it is invalid. Throws UploadRefused when a file cannot be placed.
   */
  async publish(upload: UploadFile[], by: { by: string; note?: string }): Promise<PublishResult> {
    return this.locked(async () => {
      const live = await readTree(await this.liveDir());
      const next: ContentTree = new Map(live);
      for (const [path, text] of placeUpload(upload, live)) next.set(path, Buffer.from(text, 'utf8'));
      return this.commit(live, next, { by: by.by, note: by.note ?? '' });
    });
  }

  /** Makes version n live again, recorded as a new version "rollback to n". */
  async rollback(n: number, by: { by: string }): Promise<PublishResult> {
    return this.locked(async () => {
      const current = await this.current();
      if ((current ?? 1) === n) throw new VersionStoreError(`Version ${n} is already the live version.`);
      const records = await this.history();
      if (!records.some((r) => r.version === n)) throw new VersionStoreError(`There is no version ${n}.`);
      const live = await readTree(await this.liveDir());
      const target = await readTree(join(this.paths.versions, String(n)));
      return this.commit(live, target, { by: by.by, note: `rollback to ${n}`, rollbackOf: n });
    });
  }

  private firstRecord(id: string): VersionRecord {
    return {
      version: 1,
      contentId: id,
      by: 'repository',
      at: this.now().toISOString(),
      note: "the repository's content/ folder",
      changes: { added: [], changed: [], removed: [] },
    };
  }

  private async commit(
    live: ContentTree,
    next: ContentTree,
    meta: { by: string; note: string; rollbackOf?: number },
  ): Promise<PublishResult> {
    const changes: TreeChanges = diffTrees(live, next);
    if (isUnchanged(changes)) return { status: 'unchanged', current: (await this.current()) ?? 1 };
    const stage = await this.stage(next);
    try {
      const loaded = await loadContent(stage);
      if (loaded.errors.length > 0)
        return { status: 'invalid', errors: loaded.errors.map(relativeTo(stage)) };
      if ((await this.current()) === null) await this.recordFirst();
      const version = (await this.highest()) + 1;
      const record: VersionRecord = {
        version,
        contentId: contentId(loaded.content),
        by: meta.by,
        at: this.now().toISOString(),
        note: meta.note,
        changes,
        ...(meta.rollbackOf ? { rollbackOf: meta.rollbackOf } : {}),
      };
      await this.install(stage, record);
      return { status: 'published', record, content: loaded.content };
    } finally {
      await rm(stage, { recursive: true, force: true });
    }
  }

  /** Version 1: a copy of the repository's content/, made current. */
  private async recordFirst(): Promise<void> {
    const tree = await readTree(this.baseDir);
    const stage = await this.stage(tree);
    const loaded = await loadContent(stage);
    if (loaded.errors.length > 0) {
      await rm(stage, { recursive: true, force: true });
      throw new VersionStoreError(`The repository's content/ is not valid (${loaded.errors.length} errors).`);
    }
    await this.install(stage, this.firstRecord(contentId(loaded.content)));
  }

  /**
   * Moves a checked staging folder into versions/<n>, writes its record, then the current pointer. A crash or a
   * failure before the pointer is written leaves the previous version current (the half-made one is removed when
   * possible, and never current).
   */
  private async install(stage: string, record: VersionRecord): Promise<void> {
    const dir = join(this.paths.versions, String(record.version));
    const meta = join(this.paths.versions, `${record.version}.json`);
    await ensureDir(this.paths.versions);
    await rename(stage, dir);
    try {
      await syncDir(this.paths.versions);
      await this.writeFile(meta, `${JSON.stringify(record, null, 2)}\n`);
      await this.writeFile(this.paths.current, `${record.version}\n`);
    } catch (error) {
      await unlink(meta).catch(() => undefined);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
  }

  private async stage(tree: ContentTree): Promise<string> {
    await ensureDir(this.paths.staging);
    const dir = join(this.paths.staging, `${process.pid}-${randomBytes(4).toString('hex')}`);
    await writeTree(dir, tree);
    return dir;
  }

  /** The highest number used by a version folder or record (a half-made one included, so none is reused). */
  private async highest(): Promise<number> {
    const names = await readdir(this.paths.versions).catch(() => [] as string[]);
    return Math.max(0, ...names.map((n) => Number.parseInt(n, 10)).filter(Number.isFinite));
  }

  /** One publisher at a time, across processes: an exclusive lock file holding the pid (a dead holder's is taken). */
  private locked<T>(work: () => Promise<T>): Promise<T> {
    // In this process one after another; across processes, the lock file.
    const run = this.queue.then(() => this.lockedFile(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async lockedFile<T>(work: () => Promise<T>): Promise<T> {
    await ensureDir(this.paths.root);
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(this.paths.lock, 'wx', 0o600);
        await handle.writeFile(String(process.pid));
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 1) {
          throw new VersionStoreError(
            'Another publish is in progress on this DATA_DIR; try again in a moment.',
          );
        }
        const pid = Number((await readFileIfExists(this.paths.lock))?.trim());
        if (pid && isAlive(pid))
          throw new VersionStoreError(
            'Another publish is in progress on this DATA_DIR; try again in a moment.',
          );
        await unlink(this.paths.lock).catch(() => undefined);
      }
    }
    try {
      return await work();
    } finally {
      await unlink(this.paths.lock).catch(() => undefined);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Errors name the file by its path inside the content folder, not the staging folder. */
function relativeTo(stage: string): (e: ContentError) => ContentError {
  const prefix = relative(process.cwd(), stage) || '.';
  return (e) => ({
    ...e,
    file: e.file.startsWith(prefix + sep)
      ? e.file
          .slice(prefix.length + 1)
          .split(sep)
          .join('/')
      : e.file,
  });
}

import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { contentDir as repositoryContentDir } from '../../paths.js';
import { ensureDir, readFileIfExists, syncDir, writeFileAtomic } from '../../store/lowdb/atomic-file.js';
import { contentId } from '../live-content.js';
import { type ContentSet, loadContent } from '../load-content.js';
import type { ContentError } from '../yaml-file.js';
import { type ContentTree, diffTrees, isUnchanged, readTree, writeTree } from './content-tree.js';
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
  /** The chat proposal this version published. */
  proposal: z.string().optional(),
  /** The clinician who approved it (her name, as in the review records), and when. */
  approvedBy: z.string().optional(),
  approvedAt: z.string().optional(),
});
export type VersionRecord = z.infer<typeof versionRecordSchema>;

/** What a new version's record says besides its number, content and changes. */
export type RecordMeta = Pick<VersionRecord, 'by' | 'note'> &
  Partial<Pick<VersionRecord, 'rollbackOf' | 'proposal' | 'approvedBy' | 'approvedAt'>>;

export type PublishResult =
  | { status: 'published'; record: VersionRecord; content: ContentSet }
  | { status: 'invalid'; errors: ContentError[] }
  | { status: 'unchanged'; current: number };

/** A content folder read and checked by the loader, with the content's id. */
export interface LoadedContent {
  content: ContentSet;
  errors: ContentError[];
  contentId: string;
}

/**
 * Reads and checks a whole content folder. The bot passes one that runs in a worker thread (a full load blocks for
 * 100-250 ms); the command line loads in its own thread.
 */
export type ContentLoader = (dir: string) => Promise<LoadedContent>;

export const loadInThread: ContentLoader = async (dir) => {
  const { content, errors } = await loadContent(dir);
  return { content, errors, contentId: contentId(content) };
};

/** The live version as files: its number (1 while the repository's content/ is live), folder and tree. */
export interface LiveState {
  version: number;
  dir: string;
  tree: ContentTree;
}

/** A tree written to a staging folder and loaded: installable as a version when it has no errors. */
export interface Staged extends LoadedContent {
  dir: string;
  tree: ContentTree;
  /** Removes the staging folder (nothing once it has been installed). */
  dispose(): Promise<void>;
}

/** Work done holding the publish lock: the live version cannot change under it. */
export interface Transaction {
  readonly live: LiveState;
  /** Makes a staged tree (with no errors) the next version and the current one. */
  install(staged: Staged, meta: RecordMeta): Promise<VersionRecord>;
}

export interface VersionStoreOptions {
  /** The repository's content folder: version 1. */
  baseDir?: string;
  now?: () => Date;
  /** How small files are replaced atomically (tests make it fail). */
  writeFile?: (path: string, data: string) => Promise<void>;
  /** How a content folder is read and checked; default: the loader, in this thread. */
  load?: ContentLoader;
}

/** `code` picks the text a person reads (contentErrors:<code>); the message stays English for the CLI and logs. */
export class VersionStoreError extends Error {
  override name = 'VersionStoreError';
  constructor(
    message: string,
    readonly code = 'store.failed',
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
  }
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
  readonly baseDir: string;
  private readonly now: () => Date;
  private readonly writeFile: (path: string, data: string) => Promise<void>;
  readonly load: ContentLoader;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dataDir: string,
    options: VersionStoreOptions = {},
  ) {
    this.paths = paths(dataDir);
    this.baseDir = options.baseDir ?? repositoryContentDir;
    this.now = options.now ?? (() => new Date());
    this.writeFile = options.writeFile ?? writeFileAtomic;
    this.load = options.load ?? loadInThread;
  }

  /** The folder holding the whole of DATA_DIR/content (proposals live beside the versions). */
  get root(): string {
    return this.paths.root;
  }

  current(): Promise<number | null> {
    return currentVersion(this.dataDir);
  }

  liveDir(): Promise<string> {
    return liveContentDir(this.dataDir, this.baseDir);
  }

  /** The folder of version n (1 is the repository's content/ until something is published). */
  async versionDir(n: number): Promise<string> {
    if (n === 1 && (await this.current()) === null) return this.baseDir;
    return join(this.paths.versions, String(n));
  }

  /** The files of version n. */
  async readVersion(n: number): Promise<ContentTree> {
    return readTree(await this.versionDir(n));
  }

  /** The live version's files. */
  async live(): Promise<LiveState> {
    const version = (await this.current()) ?? 1;
    const dir = await this.versionDir(version);
    return { version, dir, tree: await readTree(dir) };
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
      const { contentId: id } = await this.load(this.baseDir);
      return [this.firstRecord(id)];
    }
    return records.sort((a, b) => a.version - b.version);
  }

  /**
   * Writes a tree to a staging folder and checks it with the loader's schemas and cross-checks (errors name files
   * by their path inside the content folder). The caller disposes of it, or installs it in a transaction.
   * `sync: false` for a folder only checked (an upload's preview), never installed.
   */
  async stage(tree: ContentTree, options: { sync?: boolean } = {}): Promise<Staged> {
    await ensureDir(this.paths.staging);
    const dir = join(this.paths.staging, `${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await writeTree(dir, tree, options);
      const loaded = await this.load(dir);
      return {
        ...loaded,
        errors: loaded.errors.map(relativeTo(dir)),
        dir,
        tree,
        dispose: () => rm(dir, { recursive: true, force: true }),
      };
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Runs `work` holding the publish lock (one publisher at a time, in this process and across processes): the
   * live version it reads stays live until it installs one.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.locked(async () => {
      const live = await this.live();
      let installed = false;
      return work({
        live,
        install: async (staged, meta) => {
          if (installed) throw new VersionStoreError('one version per transaction');
          if (staged.errors.length > 0)
            throw new VersionStoreError('a staged tree with errors is not installed');
          installed = true;
          if ((await this.current()) === null) await this.recordFirst();
          const record: VersionRecord = {
            version: (await this.highest()) + 1,
            contentId: staged.contentId,
            by: meta.by,
            at: this.now().toISOString(),
            note: meta.note,
            changes: diffTrees(live.tree, staged.tree),
            ...(meta.rollbackOf ? { rollbackOf: meta.rollbackOf } : {}),
            ...(meta.proposal ? { proposal: meta.proposal } : {}),
            ...(meta.approvedBy ? { approvedBy: meta.approvedBy } : {}),
            ...(meta.approvedAt ? { approvedAt: meta.approvedAt } : {}),
          };
          await this.install(staged.dir, record);
          return record;
        },
      });
    });
  }

  /**
   * Checks an upload against the live content (an uploaded file replaces the live file of the same path) with the
   * loader's schemas and cross-checks; when valid and different, makes it a new version and the current one.
   * Nothing changes when it is invalid. Throws UploadRefused when a file cannot be placed.
   */
  async publish(upload: UploadFile[], by: { by: string; note?: string }): Promise<PublishResult> {
    return this.transaction(async (tx) => {
      const next: ContentTree = new Map(tx.live.tree);
      for (const [path, text] of placeUpload(upload, tx.live.tree)) next.set(path, Buffer.from(text, 'utf8'));
      return this.commit(tx, next, { by: by.by, note: by.note ?? '' });
    });
  }

  /** Makes version n live again, recorded as a new version "rollback to n". */
  async rollback(n: number, by: { by: string }): Promise<PublishResult> {
    return this.transaction(async (tx) => {
      if (tx.live.version === n)
        throw new VersionStoreError(`Version ${n} is already the live version.`, 'store.alreadyLive', { n });
      const records = await this.history();
      if (!records.some((r) => r.version === n))
        throw new VersionStoreError(`There is no version ${n}.`, 'store.noVersion', { n });
      const target = await readTree(join(this.paths.versions, String(n)));
      return this.commit(tx, target, { by: by.by, note: `rollback to ${n}`, rollbackOf: n });
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

  private async commit(tx: Transaction, next: ContentTree, meta: RecordMeta): Promise<PublishResult> {
    if (isUnchanged(diffTrees(tx.live.tree, next))) return { status: 'unchanged', current: tx.live.version };
    const staged = await this.stage(next);
    try {
      if (staged.errors.length > 0) return { status: 'invalid', errors: staged.errors };
      const record = await tx.install(staged, meta);
      return { status: 'published', record, content: staged.content };
    } finally {
      await staged.dispose();
    }
  }

  /** Version 1: a copy of the repository's content/, made current. */
  private async recordFirst(): Promise<void> {
    const staged = await this.stage(await readTree(this.baseDir));
    if (staged.errors.length > 0) {
      await staged.dispose();
      throw new VersionStoreError(`The repository's content/ is not valid (${staged.errors.length} errors).`);
    }
    await this.install(staged.dir, this.firstRecord(staged.contentId));
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
            'store.busy',
          );
        }
        const pid = Number((await readFileIfExists(this.paths.lock))?.trim());
        if (pid && isAlive(pid))
          throw new VersionStoreError(
            'Another publish is in progress on this DATA_DIR; try again in a moment.',
            'store.busy',
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

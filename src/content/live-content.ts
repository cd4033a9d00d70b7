import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../logging/logger.js';
import type { SearchService } from '../search/search-service.js';
import { type Countries, countriesFrom } from '../teams/countries.js';
import { Catalog } from './catalog.js';
import type { ContentSet } from './load-content.js';

/** One published state of the content, immutable once built. */
export interface ContentVersion {
  /** A hash of the content: the same content always has the same id. */
  readonly id: string;
  readonly content: ContentSet;
  readonly catalog: Catalog;
  readonly countries: Countries;
  readonly loadedAt: Date;
}

export interface LiveContentOptions {
  search: SearchService;
  logger?: Logger;
  clock?: Clock;
  /** Previous versions kept in memory beside the held ones, newest first. Default 5. */
  keep?: number;
}

/** The id of a content set: the first 16 hex digits of a SHA-256 of its canonical JSON. */
export function contentId(content: ContentSet): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 16);
}

/**
 * The live content: the current version, replaceable atomically while the bot runs. Older versions stay
 * available by id while someone holds them (a person in the middle of a module or a questionnaire finishes on the
 * version she started), and the last few always, so a session that pinned one can still find it.
 */
export class LiveContent {
  private version: ContentVersion;
  /** Versions by id, oldest first (Map insertion order). */
  private readonly versions = new Map<string, ContentVersion>();
  private readonly holds = new Map<string, number>();
  private replacing: Promise<unknown> = Promise.resolve();

  private constructor(
    first: ContentVersion,
    private readonly options: LiveContentOptions,
  ) {
    this.version = first;
    this.versions.set(first.id, first);
  }

  /** The first version: its catalog, and the search index on keywords at once (vectors come in the background). */
  static create(content: ContentSet, options: LiveContentOptions): LiveContent {
    const first = makeVersion(content, options.clock?.now() ?? new Date());
    options.search.use(first.id, first.catalog);
    return new LiveContent(first, options);
  }

  current(): ContentVersion {
    return this.version;
  }

  /** A version by id, if still in memory (the current one, held ones, the last few). */
  get(id: string): ContentVersion | undefined {
    return this.versions.get(id);
  }

  /** Keeps a version in memory until the returned function is called (e.g. a flow pinned to it). */
  hold(id: string): () => void {
    if (!this.versions.has(id)) throw new Error(`content version ${id} is not in memory`);
    this.holds.set(id, (this.holds.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.holds.get(id) ?? 1) - 1;
      if (left > 0) this.holds.set(id, left);
      else this.holds.delete(id);
      this.prune();
    };
  }

  /**
   * Builds the new version (catalog, search index: only new or changed passages embedded), then swaps it in at
   * once with its index. If anything fails, the previous version keeps serving, one line is logged, and this
   * rejects. Replacements run one after another. The same content again is a no-op returning the current version.
   */
  replace(content: ContentSet): Promise<ContentVersion> {
    const run = this.replacing.then(() => this.doReplace(content));
    this.replacing = run.catch(() => undefined);
    return run;
  }

  private async doReplace(content: ContentSet): Promise<ContentVersion> {
    const previous = this.version;
    const started = Date.now();
    let id = '(not computed)';
    try {
      id = contentId(content);
      if (id === previous.id) return previous;
      const next = makeVersion(content, this.options.clock?.now() ?? new Date(), id);
      const commit = await this.options.search.stage(next.id, next.catalog);
      // Nothing can fail from here: the catalog and the index change together, synchronously.
      commit();
      this.versions.delete(next.id);
      this.versions.set(next.id, next);
      this.version = next;
      this.prune();
      this.options.logger?.info(
        { contentVersion: next.id, previous: previous.id, ms: Date.now() - started },
        'content version replaced',
      );
      return next;
    } catch (error) {
      this.options.logger?.error(
        { err: error, contentVersion: id, serving: previous.id },
        'content replacement failed; still serving the previous version',
      );
      throw error;
    }
  }

  /** Drops versions that are neither current, held, nor among the last `keep`. */
  private prune(): void {
    const keep = this.options.keep ?? 5;
    const ids = [...this.versions.keys()];
    const recent = new Set(ids.slice(-1 - keep));
    for (const id of ids) {
      if (id !== this.version.id && !recent.has(id) && !this.holds.has(id)) this.versions.delete(id);
    }
  }
}

function makeVersion(content: ContentSet, loadedAt: Date, id = contentId(content)): ContentVersion {
  return {
    id,
    content,
    catalog: new Catalog(content),
    countries: countriesFrom(content.countries),
    loadedAt,
  };
}

/** JSON with object keys sorted, so the id does not depend on key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

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
  /** Versions to try before they are published (see addCandidate), and every one tried that never went live. */
  private readonly candidates = new Set<string>();
  private readonly tried = new Set<string>();
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
   * `id` is the content's id when the caller has it already (hashing 2 MB of content takes a while).
   */
  async replace(content: ContentSet, id?: string): Promise<ContentVersion> {
    return (await this.swap(content, id)).version;
  }

  /** `replace`, also saying how many passages were embedded for the new version. */
  swap(content: ContentSet, id?: string): Promise<{ version: ContentVersion; embedded: number }> {
    const run = this.replacing.then(() => this.doReplace(content, id));
    this.replacing = run.catch(() => undefined);
    return run;
  }

  /**
   * A version that is not live, for a trainer to try before it is published (`get(id)` finds it): kept until
   * `dropCandidate`, and after that while someone holds it.
   */
  addCandidate(content: ContentSet, id = contentId(content)): ContentVersion {
    const existing = this.versions.get(id);
    const version = existing ?? makeVersion(content, this.options.clock?.now() ?? new Date(), id);
    if (!existing) {
      this.versions.set(id, version);
      this.tried.add(id);
    }
    this.candidates.add(id);
    return version;
  }

  dropCandidate(id: string): void {
    if (this.candidates.delete(id)) this.prune();
  }

  private async doReplace(
    content: ContentSet,
    knownId?: string,
  ): Promise<{ version: ContentVersion; embedded: number }> {
    const previous = this.version;
    const started = Date.now();
    let id = knownId ?? '(not computed)';
    try {
      id = knownId ?? contentId(content);
      if (id === previous.id) return { version: previous, embedded: 0 };
      const next = makeVersion(content, this.options.clock?.now() ?? new Date(), id);
      const staged = await this.options.search.stage(next.id, next.catalog);
      // Nothing can fail from here: the catalog and the index change together, synchronously.
      staged.commit();
      this.versions.delete(next.id);
      this.versions.set(next.id, next);
      this.tried.delete(next.id);
      this.version = next;
      this.prune();
      this.options.logger?.info(
        {
          contentVersion: next.id,
          previous: previous.id,
          embedded: staged.embedded,
          ms: Date.now() - started,
        },
        'content version replaced',
      );
      return { version: next, embedded: staged.embedded };
    } catch (error) {
      this.options.logger?.error(
        { err: error, contentVersion: id, serving: previous.id },
        'content replacement failed; still serving the previous version',
      );
      throw error;
    }
  }

  /**
   * Drops versions that are neither current, held, a candidate, nor among the last `keep` that were live (a tried
   * candidate that never went live is not kept for its recency).
   */
  private prune(): void {
    const keep = this.options.keep ?? 5;
    const ids = [...this.versions.keys()];
    const recent = new Set(ids.filter((id) => !this.tried.has(id)).slice(-1 - keep));
    for (const id of ids) {
      if (id === this.version.id || recent.has(id) || this.holds.has(id) || this.candidates.has(id)) continue;
      this.versions.delete(id);
      this.tried.delete(id);
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

import type { Lang } from '../accounts/types.js';
import type { Catalog } from '../content/catalog.js';
import type { Logger } from '../logging/logger.js';
import type { DangerMatch } from './danger/detector.js';
import type { Embedder } from './embedder.js';
import type { Passage } from './passages.js';
import { type Confidence, SearchEngine, type SearchOptions, type SearchResult } from './search-engine.js';

/**
 * - `idle`: not started (the model loads on the warm-up at start, or on the first question);
 * - `building`: the model is loading or passages are being embedded: questions are answered from keywords;
 * - `ready`: semantic ranking is on; `failed`: the model could not load (keywords only; tried again later).
 */
export type VectorState = 'idle' | 'building' | 'ready' | 'failed';

export interface SearchStatus {
  /** The content version searched now. */
  contentVersion: string | null;
  passages: number;
  vectors: VectorState;
  /** Passages embedded by the last vector build (the rest came from the vector cache). */
  lastEmbedded: number | null;
  /** Milliseconds the last vector build took (model load included). */
  lastBuildMs: number | null;
  error: string | null;
}

export interface SearchServiceOptions {
  /** Creates the embedder; called once, when vectors are first needed. */
  embedder: () => Promise<Embedder>;
  cacheDir: string;
  logger?: Logger;
  confidence?: Confidence;
  /**
   * Each question waits for the vectors instead of being answered from keywords meanwhile (tests that want the
   * same hybrid answers whenever they ask; one-shot command-line searches).
   */
  waitForVectors?: boolean;
  /** After a failed vector build, wait this long before trying again on a question (ms). Default 30 s. */
  retryAfterMs?: number;
}

/** A version's index ready to swap in (`commit`), and how many of its passages were embedded for it. */
export interface StagedIndex {
  commit(): void;
  embedded: number;
}

/** One content version's index and the state of its vectors. */
interface Indexed {
  id: string;
  engine: SearchEngine;
  state: VectorState;
  vectors: Promise<void> | null;
  error: string | null;
  failedAt: number;
  embedded: number | null;
  buildMs: number | null;
  /** Searches running on it: its vectors are freed when it is retired and this falls to 0. */
  inFlight: number;
  retired: boolean;
}

/**
 * The always-available search: keyword search (BM25) with glossary expansion and danger detection from the first
 * second; semantic ranking joins in when the passage vectors are ready. Content versions are swapped atomically
 * (see LiveContent): `stage` prepares a version's index (only new or changed passages embedded) and hands back a
 * commit that makes it current. Vector builds run one at a time, so a rebuild reads what the previous one cached.
 */
export class SearchService {
  private current: Indexed | null = null;
  private embedderPromise: Promise<Embedder> | null = null;
  private builds: Promise<unknown> = Promise.resolve();
  private started = false;
  private closed = false;

  constructor(private readonly options: SearchServiceOptions) {}

  /** Makes a version current at once (keywords now; vectors built when started). For the first version. */
  use(id: string, catalog: Catalog): void {
    this.commit(this.indexOf(id, SearchEngine.keywordOnly({ catalog, confidence: this.options.confidence })));
  }

  /**
   * Prepares a new version's index without touching the current one: the keyword index at once, then (when
   * semantic search is running) its vectors, embedding only new or changed passages. Resolves with a commit that
   * swaps it in synchronously and the number of passages embedded for it (0 when its vectors come after it is
   * live); rejects, leaving the current version searched, if anything fails.
   */
  async stage(id: string, catalog: Catalog): Promise<StagedIndex> {
    if (this.closed) throw new Error('search is closed');
    const next = this.indexOf(
      id,
      await SearchEngine.keywordOnlyAsync({ catalog, confidence: this.options.confidence }),
    );
    // While the current vectors are themselves still coming (or never started), waiting would hold the new
    // content back for nothing: it goes live on keywords and gets its vectors after.
    if (this.current?.state === 'ready') await this.buildVectors(next);
    return { commit: () => this.commit(next), embedded: next.embedded ?? 0 };
  }

  /** Starts loading the model and building the current version's vectors (the bot calls this at start). */
  warmUp(): Promise<void> {
    this.started = true;
    const current = this.current;
    if (!current) return Promise.resolve();
    return this.buildVectors(current);
  }

  /** Resolves when the current version's vectors are ready (starting their build if needed). */
  ready(): Promise<void> {
    return this.warmUp();
  }

  isUrgent(question: string): boolean {
    return this.indexed().engine.isUrgent(question);
  }

  danger(question: string): DangerMatch | null {
    return this.indexed().engine.danger(question);
  }

  async search(question: string, lang: Lang, options: SearchOptions = {}): Promise<SearchResult> {
    const indexed = this.indexed();
    const vectors = this.kick(indexed);
    if (this.options.waitForVectors && vectors) await vectors.catch(() => undefined);
    indexed.inFlight++;
    try {
      return await indexed.engine.search(question, lang, options);
    } finally {
      indexed.inFlight--;
      if (indexed.retired && indexed.inFlight === 0) void this.retire(indexed);
    }
  }

  /** A passage of the current version by id and language (e.g. "more answers" after an answer). */
  passage(id: string, lang: Lang): Passage | undefined {
    return this.indexed().engine.passage(id, lang);
  }

  status(): SearchStatus {
    const c = this.current;
    return {
      contentVersion: c?.id ?? null,
      passages: c?.engine.passages.length ?? 0,
      vectors: c?.state ?? 'idle',
      lastEmbedded: c?.embedded ?? null,
      lastBuildMs: c?.buildMs ?? null,
      error: c?.error ?? null,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const embedder = this.embedderPromise;
    // Workers are stopped first: a build still running fails fast instead of being waited for.
    if (embedder) await embedder.then((e) => e.close()).catch(() => undefined);
    await this.builds.catch(() => undefined);
    if (this.current) await this.current.engine.release().catch(() => undefined);
  }

  private indexed(): Indexed {
    if (!this.current) throw new Error('search has no content yet');
    return this.current;
  }

  private indexOf(id: string, engine: SearchEngine): Indexed {
    return {
      id,
      engine,
      state: 'idle',
      vectors: null,
      error: null,
      failedAt: 0,
      embedded: null,
      buildMs: null,
      inFlight: 0,
      retired: false,
    };
  }

  private commit(next: Indexed): void {
    const previous = this.current;
    this.current = next;
    if (previous && previous !== next) {
      previous.retired = true;
      if (previous.inFlight === 0) void this.retire(previous);
    }
    if (this.started) void this.buildVectors(next).catch(() => undefined);
  }

  private async retire(indexed: Indexed): Promise<void> {
    // Its vector build may still be running: free them once it has finished.
    await indexed.vectors?.catch(() => undefined);
    await indexed.engine.release().catch(() => undefined);
  }

  /** Starts the vectors on a question if nothing started them, or again a while after a failure. */
  private kick(indexed: Indexed): Promise<void> | null {
    const retry = this.options.retryAfterMs ?? 30_000;
    if (indexed.state === 'idle' || (indexed.state === 'failed' && Date.now() - indexed.failedAt >= retry)) {
      this.started = true;
      const vectors = this.buildVectors(indexed, true);
      vectors.catch(() => undefined);
      return vectors;
    }
    return indexed.vectors;
  }

  private buildVectors(indexed: Indexed, again = false): Promise<void> {
    if (indexed.vectors && !(again && indexed.state === 'failed')) return indexed.vectors;
    indexed.state = 'building';
    indexed.error = null;
    const started = Date.now();
    const run = this.builds.then(async () => {
      if (this.closed) throw new Error('search is closed');
      // A version replaced while it waited for its turn is not worth embedding.
      if (indexed.retired) throw new Error('content version replaced before its vectors were built');
      const embedder = await this.embedder();
      const { vectors, embedded } = await SearchEngine.passageVectors({
        passages: indexed.engine.passages,
        embedder,
        cacheDir: this.options.cacheDir,
        logger: this.options.logger,
      });
      await indexed.engine.attachVectors(embedder, vectors);
      return embedded;
    });
    this.builds = run.catch(() => undefined);
    indexed.vectors = run.then(
      (embedded) => {
        indexed.state = 'ready';
        indexed.embedded = embedded;
        indexed.buildMs = Date.now() - started;
        this.options.logger?.info(
          { contentVersion: indexed.id, embedded, ms: indexed.buildMs },
          'semantic search ready',
        );
      },
      (error: unknown) => {
        indexed.state = 'failed';
        indexed.failedAt = Date.now();
        indexed.error = (error as Error)?.message ?? String(error);
        // A staged version's failure is reported by whoever staged it (LiveContent logs one line).
        if (!this.closed && this.current === indexed) {
          this.options.logger?.error(
            { err: error, contentVersion: indexed.id },
            'semantic search could not start; answering from keywords',
          );
        }
        throw error;
      },
    );
    return indexed.vectors;
  }

  private embedder(): Promise<Embedder> {
    if (!this.embedderPromise) {
      const created = this.options.embedder();
      this.embedderPromise = created;
      // A failed load (e.g. a bad EMBEDDING_MODEL) is tried again on the next build, not cached forever.
      created.catch(() => {
        if (this.embedderPromise === created) this.embedderPromise = null;
      });
    }
    return this.embedderPromise;
  }
}

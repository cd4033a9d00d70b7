import type { Ranked } from './keyword-index.js';

/** The port for sentence embeddings: the search engine depends on this, adapters live in `./model/`. */
export interface Embedder {
  /** Identifies model + pooling; part of the vector cache key. */
  readonly modelId: string;
  readonly dimensions: number;
  /** Mean-pooled, L2-normalised sentence vectors, one per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/**
 * An embedder that also ranks a question against passage vectors it holds where the model runs (a worker
 * thread): embedding and ranking in one round trip, off the event loop.
 */
export interface VectorRanker {
  /** Keeps `matrix` (row i = passage i, unit vectors; best in shared memory) and each row's language code. */
  loadVectors(key: string, matrix: Float32Array, rowLangs: Uint8Array): Promise<void>;
  dropVectors(key: string): Promise<void>;
  /**
   * The question's vector and the `limit` best rows among those whose language code is in `langs`. `onVector`,
   * when given, gets the vector as soon as it is computed, while the rows are still being ranked.
   */
  embedAndRank(
    text: string,
    key: string,
    langs: number[],
    limit: number,
    onVector?: (vector: Float32Array) => void,
  ): Promise<{ vector: Float32Array; ranked: Ranked[] }>;
}

export const isVectorRanker = (x: object): x is VectorRanker =>
  typeof (x as Partial<VectorRanker>).embedAndRank === 'function';

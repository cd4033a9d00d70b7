/** The port for sentence embeddings: the search engine depends on this, adapters live in `./model/`. */
export interface Embedder {
  /** Identifies model + pooling; part of the vector cache key. */
  readonly modelId: string;
  readonly dimensions: number;
  /** Mean-pooled, L2-normalised sentence vectors, one per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

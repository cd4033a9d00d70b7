import { createHash } from 'node:crypto';
import type { Embedder } from '../../src/search/embedder.js';

/**
 * A deterministic stand-in for the model (a text's vector from its hash), counting what it embeds; `hold` holds
 * batches (more than one text) until `letGo`, as a long batch would take; questions (one text) never wait, as with
 * the worker embedder. `fail` makes batches throw. For state and bookkeeping tests, not for quality.
 */
export class FakeEmbedder implements Embedder {
  readonly modelId = 'fake-hash-16';
  readonly dimensions = 16;
  embedded: string[] = [];
  fail: Error | null = null;
  private open: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  hold(): void {
    this.open = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  letGo(): void {
    this.release();
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length > 1) {
      await this.open;
      if (this.fail) throw this.fail;
      this.embedded.push(...texts);
    }
    return texts.map((t) => {
      const bytes = createHash('sha256').update(t).digest();
      const v = Float32Array.from({ length: this.dimensions }, (_, i) => (bytes[i] ?? 0) - 128);
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
  }

  async close(): Promise<void> {}
}

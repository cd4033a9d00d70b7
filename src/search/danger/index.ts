import type { Catalog } from '../../content/catalog.js';
import type { Embedder } from '../embedder.js';
import { GlossaryExpander } from '../glossary-expansion.js';
import type { DangerDetector } from './detector.js';
import { DangerDetector as Detector } from './detector.js';

export { DangerDetector, type DangerMatch } from './detector.js';

/** The danger detector of a content version: its danger-sign data and glossary. */
export function dangerDetectorOf(catalog: Catalog, expander?: GlossaryExpander): DangerDetector {
  return new Detector(catalog.content.dangerSigns ?? [], expander ?? new GlossaryExpander(catalog.glossary));
}

/** Description vectors by model and text: a new content version re-embeds only descriptions that changed. */
const memo = new Map<string, Float32Array>();
const embedding = new WeakMap<DangerDetector, Promise<void>>();

/**
 * Embeds the English descriptions (a few dozen short texts, once per detector, at most once at a time), so the
 * semantic path can join.
 */
export function embedDangerSigns(detector: DangerDetector, embedder: Embedder): Promise<void> {
  const running = embedding.get(detector);
  if (running) return running;
  const job = (async () => {
    const texts = detector.descriptionTexts();
    const key = (t: string) => `${embedder.modelId}|${t}`;
    const missing = [...new Set(texts.filter((t) => !memo.has(key(t))))];
    if (missing.length > 0) {
      const vectors = await embedder.embed(missing);
      missing.forEach((t, i) => {
        const v = vectors[i];
        if (v) memo.set(key(t), v);
      });
    }
    detector.attachVectors(texts.map((t) => memo.get(key(t)) ?? new Float32Array(embedder.dimensions)));
  })().catch((error: unknown) => {
    embedding.delete(detector);
    throw error;
  });
  embedding.set(detector, job);
  return job;
}

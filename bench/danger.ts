/**
 * `npx tsx bench/danger.ts [--dev | --dev2 | --dev3] [--misses] [--words]`: danger detection (issue 10, item 2) on the evaluation
 * set of test/danger: recall (danger questions flagged) and false alarms (ordinary questions flagged) per language,
 * and the cost of detection per question (the synchronous path alone, and with the semantic path given the
 * question's vector, as search gives it). Held-out split by default; `--dev`, `--dev2` or `--dev3` for a development split
 * (`--misses` lists a development split's misses; the held-out split's are never printed). `--words`: no model.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Catalog } from '../src/content/catalog.js';
import { loadContent } from '../src/content/load-content.js';
import type { DangerDetector } from '../src/search/danger/detector.js';
import { dangerDetectorOf, embedDangerSigns } from '../src/search/danger/index.js';
import type { Embedder } from '../src/search/embedder.js';
import { DANGER_LANGS, type DangerItem, type DangerSplit, loadDangerSet } from '../test/danger/danger-set.js';

export interface DangerLangFigures {
  lang: string;
  danger: number;
  caught: number;
  ordinary: number;
  alarms: number;
}

export interface DangerFigures {
  split: DangerSplit;
  /** Words alone (the synchronous path), and words + meaning when the model is there. */
  sync: DangerLangFigures[];
  semantic: DangerLangFigures[] | null;
  costUs: { syncP50: number; syncP95: number; semanticP50: number | null; semanticP95: number | null };
  misses: { q: string; lang: string; danger: boolean; got: string | null }[];
}

const quantile = (xs: number[], q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

function score(
  items: DangerItem[],
  flag: (item: DangerItem, index: number) => string | null,
  misses?: DangerFigures['misses'],
): DangerLangFigures[] {
  return DANGER_LANGS.map((lang) => {
    const figures = { lang, danger: 0, caught: 0, ordinary: 0, alarms: 0 };
    items.forEach((item, i) => {
      if (item.lang !== lang) return;
      const got = flag(item, i);
      if (item.danger) {
        figures.danger++;
        if (got) figures.caught++;
      } else {
        figures.ordinary++;
        if (got) figures.alarms++;
      }
      if (misses && Boolean(got) !== item.danger) misses.push({ q: item.q, lang, danger: item.danger, got });
    });
    return figures;
  });
}

export async function dangerBench(
  options: { split?: DangerSplit; embedder?: Embedder | null; contentDir?: string } = {},
): Promise<DangerFigures> {
  const split = options.split ?? 'test';
  const { content } = await loadContent(options.contentDir ?? join(import.meta.dirname, '..', 'content'));
  const detector: DangerDetector = dangerDetectorOf(new Catalog(content));
  const { items } = loadDangerSet(split);
  const misses: DangerFigures['misses'] = [];

  // The cost of the synchronous path: every question, several rounds, after a warm-up round.
  for (const item of items) detector.detect(item.q);
  const syncTimes: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const item of items) {
      const t = performance.now();
      detector.detect(item.q);
      syncTimes.push((performance.now() - t) * 1000);
    }
  }
  const sync = score(
    items,
    (item) => detector.detect(item.q)?.sign ?? null,
    options.embedder ? undefined : misses,
  );

  let semantic: DangerLangFigures[] | null = null;
  let semanticP50: number | null = null;
  let semanticP95: number | null = null;
  if (options.embedder) {
    await embedDangerSigns(detector, options.embedder);
    // The vector search computes for the question: English as it is, other languages glossary-expanded.
    const vectors = await options.embedder.embed(
      items.map((item) => detector.semanticText(item.q, item.lang)),
    );
    const times: number[] = [];
    for (let round = 0; round < 20; round++) {
      items.forEach((item, i) => {
        const t = performance.now();
        detector.withVector(item.q, vectors[i]);
        times.push((performance.now() - t) * 1000);
      });
    }
    semanticP50 = quantile(times, 0.5);
    semanticP95 = quantile(times, 0.95);
    semantic = score(items, (item, i) => detector.withVector(item.q, vectors[i])?.sign ?? null, misses);
  }
  return {
    split,
    sync,
    semantic,
    costUs: {
      syncP50: quantile(syncTimes, 0.5),
      syncP95: quantile(syncTimes, 0.95),
      semanticP50,
      semanticP95,
    },
    misses,
  };
}

const SPLIT_TITLES: Record<DangerSplit, string> = {
  test: 'held-out test',
  dev: 'development',
  dev2: 'second development',
  dev3: 'third development',
};

const pct = (a: number, b: number) => (b === 0 ? '   -  ' : `${((100 * a) / b).toFixed(1).padStart(5)} %`);

export function formatDanger(f: DangerFigures): string {
  const lines = [`Danger detection, ${SPLIT_TITLES[f.split]} split (test/danger)`];
  const block = (title: string, rows: DangerLangFigures[]) => {
    lines.push(`  ${title}`, '    lang  recall (caught/danger)     false alarms (flagged/ordinary)');
    for (const r of rows) {
      lines.push(
        `    ${r.lang.padEnd(4)}  ${pct(r.caught, r.danger)} (${r.caught}/${r.danger})`.padEnd(32) +
          `   ${pct(r.alarms, r.ordinary)} (${r.alarms}/${r.ordinary})`,
      );
    }
  };
  block('words alone (synchronous path, always runs)', f.sync);
  if (f.semantic) block('words + meaning (when the model has embedded the question)', f.semantic);
  const us = (x: number | null) => (x === null ? '-' : `${x.toFixed(1)} µs`);
  lines.push(
    `  cost per question: words p50 ${us(f.costUs.syncP50)}, p95 ${us(f.costUs.syncP95)}; with the semantic path (vector given) p50 ${us(f.costUs.semanticP50)}, p95 ${us(f.costUs.semanticP95)}`,
  );
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const split: DangerSplit = process.argv.includes('--dev3')
    ? 'dev3'
    : process.argv.includes('--dev2')
      ? 'dev2'
      : process.argv.includes('--dev')
        ? 'dev'
        : 'test';
  let embedder: Embedder | null = null;
  if (!process.argv.includes('--words')) {
    const { createWorkerEmbedder } = await import('../src/search/model/worker-embedder.js');
    embedder = await createWorkerEmbedder({ cacheDir: join(tmpdir(), 'm2m-bench-cache'), batchWorkers: 1 });
  }
  const figures = await dangerBench({ split, embedder });
  process.stdout.write(`${formatDanger(figures)}\n`);
  if (process.argv.includes('--misses') && split !== 'test') {
    for (const m of figures.misses)
      process.stdout.write(
        `  ${m.danger ? 'MISSED' : 'ALARM '} [${m.lang}] ${m.q}${m.got ? `  -> ${m.got}` : ''}\n`,
      );
  }
  await embedder?.close();
}

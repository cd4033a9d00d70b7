/**
 * The summary chart's rendering time (issue 12), for 10 and 50 mentors (50 draws the first 40 and "and 10 more"):
 * in the worker thread the bot uses (a request sent -> the PNG back, the worker already started) and on the
 * calling thread, in one run. The first render of each kind is a warm-up (Chart.js and Skia load, fonts are read)
 * and is reported apart.
 *
 * Run alone: `npx tsx bench/summary-chart.ts` (prints JSON).
 */
import { performance } from 'node:perf_hooks';
import {
  type ChartData,
  createChartRenderer,
  renderSummaryChart,
  URGENCY_COLORS,
} from '../src/summary/chart/render-chart.js';

export interface ChartTiming {
  p50Ms: number;
  maxMs: number;
  /** PNG size, bytes. */
  bytes: number;
}

export interface ChartBenchFigures {
  runs: number;
  warmUp: { workerMs: number; mainMs: number };
  worker: { mentors10: ChartTiming; mentors50: ChartTiming };
  main: { mentors10: ChartTiming; mentors50: ChartTiming };
}

function sample(mentors: number): ChartData {
  const names = Array.from(
    { length: mentors },
    (_, i) => `Mentora ${String(i + 1).padStart(2, '0')} Conceição`,
  );
  const values = (k: number) => names.map((_, i) => ((i * 7 + k * 5) % 13) + (k === 3 ? 10 : 0));
  return {
    title: 'Triagens por mentora — semana 2026-W49',
    mentors: names,
    yLabel: 'Triagens',
    moreText: 'e mais {{count}}',
    series: [
      { label: 'Emergência', color: URGENCY_COLORS.emergency, values: values(0) },
      { label: 'Urgente', color: URGENCY_COLORS.urgent, values: values(1) },
      { label: 'Rotina', color: URGENCY_COLORS.routine, values: values(3) },
      { label: 'Nenhuma', color: URGENCY_COLORS.none, values: values(2) },
    ],
  };
}

async function time(render: (data: ChartData) => Promise<Uint8Array>, data: ChartData, runs: number) {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    bytes = (await render(data)).byteLength;
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { p50Ms: ms[Math.floor(ms.length / 2)] ?? 0, maxMs: ms[ms.length - 1] ?? 0, bytes };
}

async function warmUp(render: (data: ChartData) => Promise<Uint8Array>): Promise<number> {
  const start = performance.now();
  await render(sample(1));
  return performance.now() - start;
}

export async function chartBench(options: { runs?: number } = {}): Promise<ChartBenchFigures> {
  const runs = options.runs ?? 20;
  const renderer = createChartRenderer();
  try {
    const render = (data: ChartData) => renderer.render(data);
    const warm = { workerMs: await warmUp(render), mainMs: await warmUp(renderSummaryChart) };
    return {
      runs,
      warmUp: warm,
      worker: {
        mentors10: await time(render, sample(10), runs),
        mentors50: await time(render, sample(50), runs),
      },
      main: {
        mentors10: await time(renderSummaryChart, sample(10), runs),
        mentors50: await time(renderSummaryChart, sample(50), runs),
      },
    };
  } finally {
    await renderer.close();
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.stdout.write(`${JSON.stringify(await chartBench(), null, 2)}\n`);
}

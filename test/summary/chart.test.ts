import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chartSize, MAX_MENTORS } from '../../src/summary/chart/draw-chart.js';
import {
  type ChartData,
  createChartRenderer,
  renderSummaryChart,
  URGENCY_COLORS,
} from '../../src/summary/chart/render-chart.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which a valid PNG has right after its signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const NAMES = [
  'Conceição Mabunda',
  'Fátima Sitoe',
  'Nomvula Dlamini-Mokoena Khumalo',
  'Amina Wanjiru',
  'Grace',
];

/** A Portuguese chart for n mentors, with made-up but uneven counts. */
function portuguese(n: number): ChartData {
  const mentors = Array.from({ length: n }, (_, i) => `${NAMES[i % NAMES.length]} ${i + 1}`);
  const values = (k: number) => mentors.map((_, i) => ((i * 7 + k * 3) % (k + 4)) + (i % 3 === 0 ? 8 : 0));
  return {
    title: 'Triagens por mentora — semana 2026-W49',
    mentors,
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

describe('the summary chart', () => {
  const renderer = createChartRenderer();
  afterAll(() => renderer.close());

  it('renders an empty week as a readable PNG of the minimum size', async () => {
    const png = await renderer.render(portuguese(0));
    expect(pngSize(png)).toEqual({ width: 1000, height: 400 });
  });

  it('renders one mentor', async () => {
    const png = await renderer.render(portuguese(1));
    expect(pngSize(png)).toEqual(chartSize(1));
    expect(chartSize(1).width).toBe(1000);
  });

  it('grows with the mentors up to the cap, and 45 mentors draw 40 and say how many more', async () => {
    const png = await renderer.render(portuguese(45));
    writeFileSync(join(tmpdir(), 'summary-chart-45.png'), png);
    const size = pngSize(png);
    expect(size).toEqual(chartSize(45));
    expect(size.height).toBeGreaterThan(chartSize(MAX_MENTORS - 1).height);
    // Past the cap only the "and N more" line is added, not more rows.
    expect(chartSize(45).height).toBe(chartSize(400).height);
    expect(chartSize(10).height).toBeLessThan(chartSize(20).height);
  });

  it('draws the same picture in the worker as on the calling thread (texts with accents included)', async () => {
    const data = portuguese(3);
    const [inWorker, here] = await Promise.all([renderer.render(data), renderSummaryChart(data)]);
    expect(Buffer.from(inWorker).equals(Buffer.from(here))).toBe(true);
    // Different texts give a different picture: the labels are really drawn.
    const plain = await renderSummaryChart({ ...data, title: 'Triagens por mentora - semana 2026-W49' });
    expect(Buffer.from(plain).equals(Buffer.from(here))).toBe(false);
  });

  it('serves several renders at once, each its own answer', async () => {
    const sizes = await Promise.all(
      [2, 12, 30].map(async (n) => pngSize(await renderer.render(portuguese(n)))),
    );
    expect(sizes).toEqual([chartSize(2), chartSize(12), chartSize(30)]);
  });

  it('closes cleanly: a render in flight and later ones reject, and closing twice is fine', async () => {
    const own = createChartRenderer();
    await own.render(portuguese(1));
    const inFlight = expect(own.render(portuguese(40))).rejects.toThrow(/closed/);
    await own.close();
    await inFlight;
    await expect(own.render(portuguese(1))).rejects.toThrow(/closed/);
    await own.close();
  });

  it('stops its worker when idle and starts it again on the next render', async () => {
    const own = createChartRenderer({ idleMs: 20 });
    await own.render(portuguese(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pngSize(await own.render(portuguese(2)))).toEqual(chartSize(2));
    await own.close();
  });
});

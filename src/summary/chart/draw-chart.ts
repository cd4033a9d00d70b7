/**
 * Draws the summary chart to a PNG with Chart.js on @napi-rs/canvas (Skia, prebuilt binary from npm): no browser,
 * no network. Runs wherever it is imported; the bot imports it only inside ./chart-worker.ts, so its event loop
 * never renders (~60-150 ms of CPU a chart).
 *
 * Sized for a phone: the image is ~1000 px wide and shown ~360 px wide in a chat, so every text is drawn at
 * 22-30 px to stay readable (8-11 px on screen), and bars are horizontal so names need no rotation.
 */
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  type Plugin,
  Title,
} from 'chart.js';
import type { ChartData } from './chart-data.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Title);

/** Past this many mentors the chart keeps the first ones and says how many more there are in the title. */
export const MAX_MENTORS = 40;

const WIDTH = 1000;
const ROW_PX = 40;
/** Title, legend, axis title and ticks; a second title line when mentors are left out. */
const CHROME_PX = 230;
const MORE_LINE_PX = 40;
const MIN_HEIGHT = 400;
const NAME_CHARS = 22;

/**
 * Fonts the machine has (Skia reads the system's; @napi-rs/canvas ships none): DejaVu Sans (Debian's
 * fonts-dejavu-core) or Liberation Sans (fonts-liberation, in our Docker image) cover the Latin letters of every
 * language we serve (ã, ç, é, ê, õ in Portuguese; Swahili, Sesotho and Chichewa use plain Latin).
 */
const FONT_FAMILY = pickFont(['DejaVu Sans', 'Liberation Sans', 'Noto Sans', 'Arial', 'Helvetica']);

function pickFont(wanted: string[]): string {
  const have = new Set(GlobalFonts.families.map((f) => f.family));
  return wanted.find((family) => have.has(family)) ?? 'sans-serif';
}

/** The image size for a number of mentors (all given, before the cap), so callers and tests can know it ahead. */
export function chartSize(mentors: number): { width: number; height: number } {
  const shown = Math.min(mentors, MAX_MENTORS);
  const more = mentors > MAX_MENTORS ? MORE_LINE_PX : 0;
  return { width: WIDTH, height: Math.max(MIN_HEIGHT, CHROME_PX + more + shown * ROW_PX) };
}

const shorten = (name: string): string =>
  name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS - 1).trimEnd()}…` : name;

/** Opaque white under everything: a transparent PNG turns black-on-black in a dark-mode chat. */
const whiteBackground: Plugin<'bar'> = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#FFFFFF';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/**
 * Each bar's total just past its end, and each segment's count inside it when it fits: numbers carry the
 * message for readers who cannot tell the colours apart.
 */
const counts: Plugin<'bar'> = {
  id: 'counts',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const metas = chart.getSortedVisibleDatasetMetas();
    const rows = chart.data.labels?.length ?? 0;
    ctx.save();
    ctx.textBaseline = 'middle';
    ctx.font = `bold 20px "${FONT_FAMILY}"`;
    for (let row = 0; row < rows; row++) {
      let total = 0;
      let end = chart.scales.x?.getPixelForValue(0) ?? 0;
      let y = 0;
      for (const meta of metas) {
        const value = Number(chart.data.datasets[meta.index]?.data[row] ?? 0);
        const bar = meta.data[row] as unknown as { x: number; y: number; base: number } | undefined;
        if (!bar || value <= 0) continue;
        total += value;
        end = Math.max(end, bar.x);
        y = bar.y;
        const text = String(value);
        if (bar.x - bar.base >= ctx.measureText(text).width + 10 && metas.length > 1) {
          ctx.fillStyle = inkOn(String(chart.data.datasets[meta.index]?.backgroundColor ?? ''));
          ctx.textAlign = 'center';
          ctx.fillText(text, (bar.x + bar.base) / 2, bar.y);
        }
      }
      if (total > 0) {
        ctx.fillStyle = '#222222';
        ctx.textAlign = 'left';
        ctx.fillText(String(total), end + 6, y);
      }
    }
    ctx.restore();
  },
};

/** Dark digits on light fills (orange, grey), white on dark ones (vermillion, blue): WCAG's relative luminance. */
function inkOn(color: string): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return '#FFFFFF';
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  return luminance > 0.3 ? '#111111' : '#FFFFFF';
}

/** The title, with "and N more" on a line of its own when mentors were left out (a long title does not wrap). */
function titleOf(data: ChartData, hidden: number): string | string[] {
  if (hidden <= 0) return data.title;
  const more = data.moreText ? data.moreText.replaceAll('{{count}}', String(hidden)) : `(+${hidden})`;
  return [data.title, more];
}

export async function drawSummaryChart(data: ChartData): Promise<Uint8Array> {
  const shown = data.mentors.slice(0, MAX_MENTORS);
  const hidden = data.mentors.length - shown.length;
  const { width, height } = chartSize(data.mentors.length);
  const canvas = createCanvas(width, height);
  const totals = shown.map((_, i) => data.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const most = Math.max(0, ...totals);
  const font = (size: number, weight: 'normal' | 'bold' = 'normal') => ({
    family: FONT_FAMILY,
    size,
    weight,
  });

  const chart = new Chart(canvas as unknown as HTMLCanvasElement, {
    type: 'bar',
    data: {
      labels: shown.map(shorten),
      datasets: data.series.map((s) => ({
        label: s.label,
        data: s.values.slice(0, shown.length),
        backgroundColor: s.color,
        borderColor: '#FFFFFF',
        borderWidth: { right: 1 },
        barPercentage: 0.8,
        categoryPercentage: 0.9,
      })),
    },
    options: {
      indexAxis: 'y',
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      events: [],
      layout: { padding: { left: 12, right: 24, top: 8, bottom: 12 } },
      color: '#222222',
      scales: {
        x: {
          stacked: true,
          beginAtZero: true,
          // Room past the longest bar for its total; at least 1 so an empty week still has an axis.
          suggestedMax: Math.max(1, Math.ceil(most * 1.08)),
          ticks: { precision: 0, font: font(20), color: '#444444' },
          grid: { color: '#E4E4E4' },
          title: { display: true, text: data.yLabel, font: font(22, 'bold'), color: '#222222' },
        },
        y: {
          stacked: true,
          ticks: { autoSkip: false, font: font(22), color: '#222222' },
          grid: { display: false },
        },
      },
      plugins: {
        title: {
          display: true,
          text: titleOf(data, hidden),
          font: font(30, 'bold'),
          color: '#111111',
          padding: { top: 8, bottom: 8 },
        },
        legend: {
          display: true,
          position: 'top',
          labels: { font: font(22), color: '#222222', boxWidth: 28, boxHeight: 22, padding: 18 },
        },
        tooltip: { enabled: false },
      },
    },
    plugins: [whiteBackground, counts],
  });
  try {
    return new Uint8Array(await canvas.encode('png'));
  } finally {
    chart.destroy();
  }
}

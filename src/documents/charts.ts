/**
 * Consumption and readings charts as Chart.js configurations — the same JSON that QuickChart
 * renders — and a renderer that draws them to PNG on this server (Chart.js on `@napi-rs/canvas`
 * with the DejaVu font, no internet needed) or, when a QuickChart server is configured, fetches
 * the PNG from it.
 *
 * @example
 * const config = consumptionChartConfig({ months: [{ month: '2026-01', litres: 8200 }], kind: 'bar', locale: 'pl' });
 * const png = await renderChartPng(config, { width: 800, height: 450 });
 */
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import QuickChart from 'quickchart-js';
import type { ChartConfiguration, Plugin } from 'chart.js' with { 'resolution-mode': 'import' };
import { t, type Locale } from '../i18n/i18n';
import { formatCubicMetres, formatDate } from '../domain/format';
import { FONT_FAMILY, FONT_FILES } from './fonts';

type ChartJsModule = typeof import('chart.js', { with: { 'resolution-mode': 'import' } });

/** A chart this module builds: bar or line, numeric values (m³). */
export type KroplaChartConfig = ChartConfiguration<'bar' | 'line', number[], string>;

export interface MonthlyLitres {
  /** `YYYY-MM` */
  month: string;
  litres: number;
  /** No reading covers the month yet: drawn as a gap, not as zero. */
  noData?: boolean;
}

export interface ConsumptionChartInput {
  months: MonthlyLitres[];
  /** The same months a year earlier, drawn as a second series when given. */
  previousYear?: MonthlyLitres[] | null;
  kind: 'bar' | 'line';
  locale: Locale;
}

export interface RenderChartOptions {
  width?: number;
  height?: number;
  /** Base URL of a QuickChart server (e.g. `http://quickchart:3400`); draws locally when null. */
  quickchartUrl?: string | null;
}

/**
 * Colours from the Okab–Ito palette, safe for colour-blind readers and ≥ 4.5:1 (blue) against
 * white; the previous year is also dashed/hatched-lighter so the series differ by more than hue.
 */
export const CHART_COLOURS = {
  current: '#0072B2',
  currentFill: 'rgba(0, 114, 178, 0.85)',
  previous: '#B35900',
  previousFill: 'rgba(230, 159, 0, 0.55)',
  text: '#1F2937',
  grid: '#D1D5DB',
} as const;

/** `2026-01` → `sty 2026` (pl), `Jan 2026` (en), `січ 2026` (uk). */
export function monthLabel(month: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new RangeError(`expected YYYY-MM, got "${month}"`);
  return `${t(locale, `documents.months.${m[2]}`)} ${m[1]}`;
}

/** Litres → m³ with three decimals, as a number for the chart. */
function toM3(litres: number): number {
  return Math.round(litres) / 1000;
}

function previousYearMonth(month: string): string {
  const [y, m] = month.split('-');
  return `${Number(y) - 1}-${m}`;
}

function baseOptions(locale: Locale, title: string, xTitle: string, unit: string, kind: 'bar' | 'line'): KroplaChartConfig['options'] {
  return {
    locale: locale === 'pl' ? 'pl-PL' : locale === 'uk' ? 'uk-UA' : 'en-GB',
    responsive: false,
    animation: false,
    maintainAspectRatio: false,
    layout: { padding: 12 },
    plugins: {
      title: { display: true, text: title, color: CHART_COLOURS.text, font: { size: 18, weight: 'bold' }, padding: { bottom: 12 } },
      legend: { display: true, position: 'bottom', labels: { color: CHART_COLOURS.text, font: { size: 13 }, usePointStyle: kind === 'line', boxWidth: kind === 'line' ? 10 : 28, boxHeight: kind === 'line' ? 8 : 12, padding: 16 } },
    },
    scales: {
      // offset: the first and last labels are not cut off at the edges of a line chart.
      x: { offset: true, title: { display: true, text: xTitle, color: CHART_COLOURS.text, font: { size: 13 } }, ticks: { color: CHART_COLOURS.text, font: { size: 12 } }, grid: { display: false } },
      y: { beginAtZero: true, title: { display: true, text: unit, color: CHART_COLOURS.text, font: { size: 13 } }, ticks: { color: CHART_COLOURS.text, font: { size: 12 } }, grid: { color: CHART_COLOURS.grid } },
    },
  };
}

/**
 * Monthly consumption in m³ as a bar or line chart, with the previous year's same months as a
 * second series when given (months without data there are gaps, not zeros).
 */
export function consumptionChartConfig(input: ConsumptionChartInput): KroplaChartConfig {
  const { locale, kind } = input;
  const months = [...input.months].sort((a, b) => a.month.localeCompare(b.month));
  const labels = months.map((m) => monthLabel(m.month, locale));
  const datasets: KroplaChartConfig['data']['datasets'] = [
    {
      type: kind,
      label: t(locale, 'documents.chart.consumption'),
      // Chart.js draws null as a gap; its types want numbers.
      data: months.map((m) => (m.noData ? null : toM3(m.litres))) as number[],
      backgroundColor: kind === 'bar' ? CHART_COLOURS.currentFill : CHART_COLOURS.current,
      borderColor: CHART_COLOURS.current,
      borderWidth: kind === 'bar' ? 1 : 3,
      pointRadius: kind === 'line' ? 4 : undefined,
      pointBackgroundColor: CHART_COLOURS.current,
      fill: false,
      tension: 0,
    },
  ];
  if (input.previousYear && input.previousYear.length > 0) {
    const prev = new Map(input.previousYear.filter((m) => !m.noData).map((m) => [m.month, m.litres]));
    const data = months.map((m) => {
      const litres = prev.get(previousYearMonth(m.month));
      return litres === undefined ? null : toM3(litres);
    });
    datasets.push({
      type: kind,
      label: t(locale, 'documents.chart.previousYear'),
      // Chart.js draws null as a gap; its types want numbers.
      data: data as number[],
      backgroundColor: kind === 'bar' ? CHART_COLOURS.previousFill : CHART_COLOURS.previous,
      borderColor: CHART_COLOURS.previous,
      borderWidth: kind === 'bar' ? 1 : 2,
      borderDash: kind === 'line' ? [6, 4] : undefined,
      pointRadius: kind === 'line' ? 3 : undefined,
      pointStyle: 'rectRot',
      pointBackgroundColor: CHART_COLOURS.previous,
      fill: false,
      tension: 0,
    });
  }
  return {
    type: kind,
    data: { labels, datasets },
    options: baseOptions(locale, t(locale, 'documents.chart.consumptionTitle'), t(locale, 'documents.chart.month'), t(locale, 'documents.chart.unit'), kind),
  };
}

/** Meter readings (register values) over time as a line chart, dates `15.01.2026`. */
export function readingsChartConfig(readings: { date: string; litres: number }[], locale: Locale): KroplaChartConfig {
  const sorted = [...readings].sort((a, b) => a.date.localeCompare(b.date));
  const options = baseOptions(locale, t(locale, 'documents.chart.readingsTitle'), t(locale, 'documents.chart.date'), t(locale, 'documents.chart.unit'), 'line');
  // A meter's register never starts at zero: let the axis fit the values.
  if (options?.scales?.y) (options.scales.y as { beginAtZero?: boolean }).beginAtZero = false;
  return {
    type: 'line',
    data: {
      labels: sorted.map((r) => formatDate(r.date)),
      datasets: [
        {
          type: 'line',
          label: t(locale, 'documents.chart.reading'),
          data: sorted.map((r) => toM3(r.litres)),
          borderColor: CHART_COLOURS.current,
          backgroundColor: CHART_COLOURS.current,
          pointBackgroundColor: CHART_COLOURS.current,
          borderWidth: 3,
          pointRadius: 4,
          fill: false,
          tension: 0,
        },
      ],
    },
    options,
  };
}

/**
 * A text equivalent of a chart for screen readers and chat alt text (WCAG 1.1.1):
 * `Zużycie wody w m³. Zużycie: sty 2026 8,200 m³; lut 2026 7,500 m³. Ten sam miesiąc rok wcześniej: …`
 */
export function chartAltText(config: KroplaChartConfig): string {
  const labels = (config.data.labels ?? []).map(String);
  const title = config.options?.plugins?.title?.text;
  const parts = [typeof title === 'string' ? title : ''];
  for (const ds of config.data.datasets) {
    const values = labels
      .map((label, i) => {
        const v = ds.data[i] as number | null | undefined;
        return typeof v === 'number' ? `${label} ${formatCubicMetres(v * 1000)}` : null;
      })
      .filter((x): x is string => x !== null);
    if (values.length) parts.push(`${ds.label ?? ''}: ${values.join('; ')}`);
  }
  return parts.filter(Boolean).join('. ') + '.';
}

let chartjs: ChartJsModule | null = null;

/** Loads Chart.js (its CommonJS build) and the DejaVu font once. */
function chartLibrary(): ChartJsModule {
  if (!chartjs) {
    // chart.js ships ESM types; its CommonJS build is what runs here.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('chart.js') as ChartJsModule;
    lib.Chart.register(...lib.registerables);
    if (!GlobalFonts.has(FONT_FAMILY)) {
      GlobalFonts.registerFromPath(FONT_FILES.regular, FONT_FAMILY);
      GlobalFonts.registerFromPath(FONT_FILES.bold, FONT_FAMILY);
    }
    lib.Chart.defaults.font.family = FONT_FAMILY;
    chartjs = lib;
  }
  return chartjs;
}

/** Paints the canvas white under the chart (a PNG is transparent otherwise, black in some chat apps). */
const whiteBackground: Plugin = {
  id: 'kroplaWhiteBackground',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** Error from the QuickChart server (status not 2xx, or not a PNG). */
export class ChartRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartRenderError';
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function fetchFromQuickChart(config: KroplaChartConfig, width: number, height: number, baseUrl: string): Promise<Buffer> {
  const u = new URL(baseUrl);
  const path = u.pathname.replace(/\/+$/, '');
  const qc = new QuickChart();
  qc.setConfig(config as unknown as Parameters<QuickChart['setConfig']>[0])
    .setScheme(u.protocol.replace(/:$/, ''))
    .setHost(`${u.host}${path}`)
    .setWidth(width)
    .setHeight(height)
    .setBackgroundColor('#ffffff')
    .setFormat('png')
    .setVersion('4');
  let png: Buffer;
  try {
    png = await qc.toBinary();
  } catch (e) {
    throw new ChartRenderError(`QuickChart request failed: ${(e as Error).message}`);
  }
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new ChartRenderError('QuickChart answered with something that is not a PNG');
  return png;
}

/**
 * Renders a chart to PNG: locally with Chart.js on `@napi-rs/canvas` (default), or through the
 * QuickChart server at `quickchartUrl` when given.
 */
export async function renderChartPng(config: KroplaChartConfig, opts: RenderChartOptions = {}): Promise<Buffer> {
  const width = Math.max(100, Math.min(2000, Math.round(opts.width ?? 800)));
  const height = Math.max(100, Math.min(2000, Math.round(opts.height ?? 450)));
  if (opts.quickchartUrl) return fetchFromQuickChart(config, width, height, opts.quickchartUrl);
  const { Chart } = chartLibrary();
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const base = config.options ?? {};
  const chart = new Chart(ctx as unknown as CanvasRenderingContext2D, {
    ...config,
    options: { ...base, responsive: false, animation: false, devicePixelRatio: 1 },
    plugins: [...(config.plugins ?? []), whiteBackground],
  } as ChartConfiguration);
  try {
    chart.draw();
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}

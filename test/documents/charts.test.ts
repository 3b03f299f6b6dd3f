import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCanvas } from '@napi-rs/canvas';
import { CHART_COLOURS, chartAltText, ChartRenderError, consumptionChartConfig, monthLabel, readingsChartConfig, renderChartPng } from '../../src/documents/charts';
import { pixels, pngSize } from './helpers';

const MONTHS = ['2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01'];
const months = MONTHS.map((month, i) => ({ month, litres: 6000 + i * 500 }));
const previousYear = MONTHS.slice(2).map((m, i) => ({ month: `${Number(m.slice(0, 4)) - 1}${m.slice(4)}`, litres: 5000 + i * 300 }));

function hex(c: string): [number, number, number] {
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
}

describe('month labels', () => {
  it.each([
    ['2026-01', 'pl', 'sty 2026'],
    ['2025-10', 'pl', 'paź 2025'],
    ['2025-06', 'pl', 'cze 2025'],
    ['2025-12', 'pl', 'gru 2025'],
    ['2026-01', 'en', 'Jan 2026'],
    ['2026-01', 'uk', 'січ 2026'],
  ] as const)('%s in %s → %s', (month, locale, label) => {
    expect(monthLabel(month, locale)).toBe(label);
  });

  it.each(['2026-13', '2026-1', 'styczeń'])('rejects %s', (m) => {
    expect(() => monthLabel(m, 'pl')).toThrow(RangeError);
  });
});

describe('consumptionChartConfig', () => {
  it('gives Polish month labels in order and values in m³ with an m³ axis', () => {
    const cfg = consumptionChartConfig({ months: [...months].reverse(), kind: 'bar', locale: 'pl' });
    expect(cfg.type).toBe('bar');
    expect(cfg.data.labels).toEqual(['lut 2025', 'mar 2025', 'kwi 2025', 'maj 2025', 'cze 2025', 'lip 2025', 'sie 2025', 'wrz 2025', 'paź 2025', 'lis 2025', 'gru 2025', 'sty 2026']);
    expect(cfg.data.datasets).toHaveLength(1);
    expect(cfg.data.datasets[0].data[0]).toBe(6);
    expect(cfg.data.datasets[0].data[11]).toBe(11.5);
    expect(cfg.data.datasets[0].label).toBe('Zużycie');
    const y = cfg.options?.scales?.y as { title: { text: string; display: boolean } };
    expect(y.title).toMatchObject({ display: true, text: 'm³' });
    expect(cfg.options?.locale).toBe('pl-PL');
  });

  it('keeps litres exact to the litre (1 234 567 l → 1234.567 m³)', () => {
    const cfg = consumptionChartConfig({ months: [{ month: '2026-01', litres: 1_234_567 }], kind: 'line', locale: 'pl' });
    expect(cfg.data.datasets[0].data).toEqual([1234.567]);
  });

  it('adds the previous year aligned by month, with gaps where it has no data', () => {
    const cfg = consumptionChartConfig({ months, previousYear, kind: 'line', locale: 'pl' });
    expect(cfg.data.datasets).toHaveLength(2);
    const prev = cfg.data.datasets[1];
    expect(prev.label).toBe('Ten sam miesiąc rok wcześniej');
    // 2024-02 and 2024-03 were not given; 2024-04 is the first previous-year value
    expect(prev.data.slice(0, 3)).toEqual([null, null, 5]);
    expect(prev.data[11]).toBe(7.7);
    // distinguishable without colour: dashed line
    expect((prev as { borderDash?: number[] }).borderDash).toEqual([6, 4]);
    expect(prev.borderColor).not.toBe(cfg.data.datasets[0].borderColor);
  });

  it('has no previous-year series for null or empty', () => {
    expect(consumptionChartConfig({ months, previousYear: null, kind: 'bar', locale: 'en' }).data.datasets).toHaveLength(1);
    expect(consumptionChartConfig({ months, previousYear: [], kind: 'bar', locale: 'en' }).data.datasets).toHaveLength(1);
  });

  it('is plain JSON (what a QuickChart server accepts)', () => {
    const cfg = consumptionChartConfig({ months, previousYear, kind: 'bar', locale: 'uk' });
    expect(JSON.parse(JSON.stringify(cfg))).toEqual(cfg);
    expect(cfg.data.labels?.[0]).toBe('лют 2025');
  });
});

describe('chartAltText', () => {
  it('reads the chart out: title, then each series month by month, skipping gaps', () => {
    const cfg = consumptionChartConfig({ months: [{ month: '2026-01', litres: 8200 }, { month: '2026-02', litres: 7500 }], previousYear: [{ month: '2025-02', litres: 9000 }], kind: 'bar', locale: 'pl' });
    expect(chartAltText(cfg)).toBe('Zużycie wody w m³. Zużycie: sty 2026 8,200 m³; lut 2026 7,500 m³. Ten sam miesiąc rok wcześniej: lut 2026 9,000 m³.');
  });
});

describe('readingsChartConfig', () => {
  it('is a line chart of register values by date (dd.mm.yyyy), oldest first', () => {
    const cfg = readingsChartConfig([{ date: '2026-01-15', litres: 140250 }, { date: '2025-07-15', litres: 120456 }], 'pl');
    expect(cfg.type).toBe('line');
    expect(cfg.data.labels).toEqual(['15.07.2025', '15.01.2026']);
    expect(cfg.data.datasets[0].data).toEqual([120.456, 140.25]);
    expect(cfg.data.datasets[0].label).toBe('Stan wodomierza');
  });
});

describe('renderChartPng (local, Chart.js on @napi-rs/canvas)', () => {
  it('draws a PNG of the default size on white with the series colours', async () => {
    const png = await renderChartPng(consumptionChartConfig({ months, previousYear, kind: 'bar', locale: 'pl' }));
    expect(pngSize(png)).toEqual({ width: 800, height: 450 });
    const px = await pixels(png);
    expect(px.at(0, 0)).toEqual([255, 255, 255, 255]);
    expect(px.at(799, 449)).toEqual([255, 255, 255, 255]);
    let current = 0;
    let previous = 0;
    let white = 0;
    const [cr, cg, cb] = hex(CHART_COLOURS.current);
    for (let y = 0; y < px.height; y += 2) {
      for (let x = 0; x < px.width; x += 2) {
        const [r, g, b, a] = px.at(x, y);
        expect(a).toBe(255);
        if (r === 255 && g === 255 && b === 255) white++;
        // the bar fill is the current colour at 85 % over white
        if (Math.abs(r - (cr * 0.85 + 255 * 0.15)) < 6 && Math.abs(g - (cg * 0.85 + 255 * 0.15)) < 6 && Math.abs(b - (cb * 0.85 + 255 * 0.15)) < 6) current++;
        // previous year: #E69F00 at 55 % over white
        if (Math.abs(r - (230 * 0.55 + 255 * 0.45)) < 6 && Math.abs(g - (159 * 0.55 + 255 * 0.45)) < 6 && Math.abs(b - (0 * 0.55 + 255 * 0.45)) < 6) previous++;
      }
    }
    const total = (px.width / 2) * (px.height / 2);
    expect(current).toBeGreaterThan(total * 0.03);
    expect(previous).toBeGreaterThan(total * 0.02);
    expect(white).toBeLessThan(total * 0.95);
  });

  it('draws taller bars for larger values', async () => {
    const png = await renderChartPng(consumptionChartConfig({ months: [{ month: '2026-01', litres: 2000 }, { month: '2026-02', litres: 10000 }], kind: 'bar', locale: 'pl' }), { width: 400, height: 300 });
    expect(pngSize(png)).toEqual({ width: 400, height: 300 });
    const px = await pixels(png);
    // Bars are blue; grid lines, text and background are grey, dark or white. The legend sits below y = 230.
    const isBlue = ([r, , b]: number[]) => b - r > 80;
    const extent = (x: number) => {
      let top = -1;
      let bottom = -1;
      for (let y = 0; y < 230; y++) {
        if (isBlue(px.at(x, y))) {
          if (top < 0) top = y;
          bottom = y;
        }
      }
      return top < 0 ? 0 : bottom - top + 1;
    };
    const heights: number[] = [];
    for (let x = 0; x < px.width; x++) heights.push(extent(x));
    const left = Math.max(...heights.slice(0, 200));
    const right = Math.max(...heights.slice(200));
    // 2 m³ against 10 m³ on an axis from zero
    expect(left).toBeGreaterThan(10);
    expect(right / left).toBeGreaterThan(4.5);
    expect(right / left).toBeLessThan(5.5);
  });

  it('draws the readings line chart', async () => {
    const png = await renderChartPng(readingsChartConfig([{ date: '2025-07-15', litres: 120456 }, { date: '2026-01-15', litres: 140250 }], 'uk'), { width: 640, height: 360 });
    expect(pngSize(png)).toEqual({ width: 640, height: 360 });
  });
});

describe('renderChartPng through a QuickChart server', () => {
  let server: Server;
  let base: string;
  const requests: { method?: string; url?: string; type?: string; body: Record<string, unknown> }[] = [];
  let reply: 'png' | 'error' | 'html' = 'png';
  let pngFromServer: Buffer;

  beforeAll(async () => {
    const c = createCanvas(123, 45);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#ff0000';
    ctx.fillRect(0, 0, 123, 45);
    pngFromServer = await c.encode('png');
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        requests.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
        if (reply === 'error') {
          res.writeHead(500, { 'x-quickchart-error': 'bad chart' });
          res.end();
        } else if (reply === 'html') {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<html>hello</html>');
        } else {
          res.writeHead(200, { 'content-type': 'image/png' });
          res.end(pngFromServer);
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  beforeEach(() => {
    requests.length = 0;
    reply = 'png';
  });

  it('POSTs the config to /chart and returns the server PNG', async () => {
    const cfg = consumptionChartConfig({ months, previousYear, kind: 'bar', locale: 'pl' });
    const png = await renderChartPng(cfg, { width: 640, height: 360, quickchartUrl: base });
    expect(png.equals(pngFromServer)).toBe(true);
    expect(requests).toHaveLength(1);
    const r = requests[0];
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/chart');
    expect(r.type).toBe('application/json');
    expect(r.body).toMatchObject({ width: 640, height: 360, format: 'png', version: '4', backgroundColor: '#ffffff' });
    expect(typeof r.body.chart).toBe('string');
    expect(r.body.chart as string).toContain('sty 2026');
    expect(r.body.chart as string).toContain('Ten sam miesiąc rok wcześniej');
  });

  it('keeps a path prefix of the server URL', async () => {
    await renderChartPng(readingsChartConfig([{ date: '2026-01-15', litres: 1000 }], 'pl'), { quickchartUrl: `${base}/qc/` });
    expect(requests[0].url).toBe('/qc/chart');
  });

  it('fails with ChartRenderError on an error status or a non-PNG answer', async () => {
    reply = 'error';
    await expect(renderChartPng(consumptionChartConfig({ months, kind: 'bar', locale: 'pl' }), { quickchartUrl: base })).rejects.toThrow(ChartRenderError);
    reply = 'html';
    await expect(renderChartPng(consumptionChartConfig({ months, kind: 'bar', locale: 'pl' }), { quickchartUrl: base })).rejects.toThrow(/not a PNG/);
  });
});

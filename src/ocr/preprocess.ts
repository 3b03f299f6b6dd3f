/**
 * Pre-processing of a meter photo for OCR (pure image work on @napi-rs/canvas, no OCR here):
 * contrast stretch, find the counter window as a row of drum-shaped dark (m³) and red (litre)
 * cells, deskew along that row, and cut every drum into a clean black-on-white glyph. A drum
 * caught between two digits shows the bottom of the lower digit above the top of the next one; the
 * larger part is kept and `partial` says which, so the reader can count the lower digit.
 */
import { createCanvas, loadImage, type Canvas } from '@napi-rs/canvas';

/** One drum cut out of the window. */
export interface DrumGlyph {
  colour: 'black' | 'red';
  /** null: a whole digit; 'lower': only the bottom of the lower digit shows (top part kept); 'upper': the next digit's top part was kept. */
  partial: null | 'lower' | 'upper';
  /** True when the cell showed (almost) no digit ink. */
  empty: boolean;
  /** Glyph mask, black ink on white, GLYPH_W × GLYPH_H. */
  mask: Uint8Array;
  /** The cell's digit ink (1 = ink), w × h, and its vertical bands of ink (top to bottom). */
  cell: { w: number; h: number; ink: Uint8Array; bands: { y0: number; y1: number }[] };
}

export interface CounterWindow {
  /** Angle the window was rotated by, in degrees (positive: clockwise in the photo). */
  angleDeg: number;
  drums: DrumGlyph[];
}

export const GLYPH_W = 40;
export const GLYPH_H = 56;
const MAX_SIDE = 800;

interface Blob {
  area: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  cx: number;
  cy: number;
  /** Second moments (sums of x², y², xy; central after `blobs`). */
  sxx: number;
  syy: number;
  sxy: number;
  red: boolean;
}

function percentile(hist: Uint32Array, total: number, p: number): number {
  let acc = 0;
  for (let i = 0; i < 256; i++) {
    acc += hist[i];
    if (acc >= total * p) return i;
  }
  return 255;
}

/** Connected components (4-neighbour) of a mask. */
function blobs(mask: Uint8Array, w: number, h: number, red: boolean, minArea: number): Blob[] {
  const seen = new Uint8Array(w * h);
  const out: Blob[] = [];
  const stack = new Int32Array(w * h);
  for (let start = 0; start < w * h; start++) {
    if (!mask[start] || seen[start]) continue;
    let sp = 0;
    stack[sp++] = start;
    seen[start] = 1;
    const b: Blob = { area: 0, x0: w, y0: h, x1: 0, y1: 0, cx: 0, cy: 0, sxx: 0, syy: 0, sxy: 0, red };
    while (sp) {
      const p = stack[--sp];
      const x = p % w;
      const y = (p - x) / w;
      b.area++;
      b.cx += x;
      b.cy += y;
      b.sxx += x * x;
      b.syy += y * y;
      b.sxy += x * y;
      if (x < b.x0) b.x0 = x;
      if (x > b.x1) b.x1 = x;
      if (y < b.y0) b.y0 = y;
      if (y > b.y1) b.y1 = y;
      const n = [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1];
      for (const q of n) {
        if (q >= 0 && mask[q] && !seen[q]) {
          seen[q] = 1;
          stack[sp++] = q;
        }
      }
    }
    if (b.area >= minArea) {
      b.cx /= b.area;
      b.cy /= b.area;
      b.sxx = b.sxx / b.area - b.cx * b.cx;
      b.syy = b.syy / b.area - b.cy * b.cy;
      b.sxy = b.sxy / b.area - b.cx * b.cy;
      out.push(b);
    }
  }
  return out;
}

/** Otsu's threshold of 8-bit values. */
function otsu(values: Uint8Array): number {
  const hist = new Float64Array(256);
  for (const v of values) hist[v]++;
  const total = values.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i];
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let thr = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t];
    if (!wB) continue;
    const wF = total - wB;
    if (!wF) break;
    sumB += t * hist[t];
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      thr = t;
    }
  }
  return thr;
}

/**
 * Blur merges neighbouring drums into one dark strip: a filled, elongated blob is cut along its
 * long axis into cells about as wide as 0.8 of its thickness.
 */
function splitStrip(b: Blob, maxCellArea: number): Blob[] {
  const tr = b.sxx + b.syy;
  const det = b.sxx * b.syy - b.sxy * b.sxy;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const l1 = tr / 2 + disc;
  const l2 = Math.max(1e-6, tr / 2 - disc);
  const len = Math.sqrt(12 * l1);
  const thick = Math.sqrt(12 * l2);
  const n = Math.round(len / (0.8 * thick));
  if (len / thick < 1.5 || len / thick > 10 || b.area / (len * thick) < 0.55 || n < 2 || n > 9 || b.area / n > maxCellArea) return [];
  const theta = 0.5 * Math.atan2(2 * b.sxy, b.sxx - b.syy);
  if (Math.abs(theta) > Math.PI / 6) return [];
  const step = len / n;
  return Array.from({ length: n }, (_, i) => {
    const cx = b.cx + (i - (n - 1) / 2) * step * Math.cos(theta);
    const cy = b.cy + (i - (n - 1) / 2) * step * Math.sin(theta);
    return { area: b.area / n, x0: cx - step / 2, x1: cx + step / 2, y0: cy - thick / 2, y1: cy + thick / 2, cx, cy, sxx: 0, syy: 0, sxy: 0, red: b.red };
  });
}

/** Finds the row of drum cells: the largest chain of similar, roughly aligned cell-shaped blobs. */
function drumRow(cands: Blob[]): Blob[] {
  const n = cands.length;
  const parent = cands.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = cands[i];
      const b = cands[j];
      const ha = a.y1 - a.y0 + 1;
      const hb = b.y1 - b.y0 + 1;
      if (Math.max(ha, hb) / Math.min(ha, hb) > 1.5) continue;
      const wa = a.x1 - a.x0 + 1;
      const dx = Math.abs(a.cx - b.cx);
      const dy = Math.abs(a.cy - b.cy);
      if (dx > 1.9 * Math.max(wa, b.x1 - b.x0 + 1) || dx < 0.5 * wa) continue;
      if (dy > 0.35 * dx + 0.15 * ha) continue;
      parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, Blob[]>();
  cands.forEach((c, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), c]));
  let best: Blob[] = [];
  const score = (g: Blob[]): number => g.filter((b) => !b.red).length * 10 + g.length;
  for (const g of groups.values()) if (g.filter((b) => !b.red).length >= 2 && score(g) > score(best)) best = g;
  return best.sort((a, b) => a.cx - b.cx);
}

/** Locates and straightens the counter window, then cuts the drums into glyphs. Null when no window is found. */
export async function findCounterWindow(photo: Buffer): Promise<CounterWindow | null> {
  const img = await loadImage(photo);
  const k = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
  const w = Math.max(1, Math.round(img.width * k));
  const h = Math.max(1, Math.round(img.height * k));
  const src = createCanvas(w, h);
  const sctx = src.getContext('2d');
  sctx.drawImage(img, 0, 0, w, h);
  const rgba = sctx.getImageData(0, 0, w, h);
  const px = rgba.data;

  // global contrast stretch on luma percentiles (low light, haze)
  const hist = new Uint32Array(256);
  const luma = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const l = (px[i * 4] * 299 + px[i * 4 + 1] * 587 + px[i * 4 + 2] * 114) / 1000;
    luma[i] = l;
    hist[luma[i]]++;
  }
  const lo = percentile(hist, w * h, 0.005);
  const hi = Math.max(lo + 16, percentile(hist, w * h, 0.995));
  const gain = 255 / (hi - lo);
  for (let i = 0; i < px.length; i += 4) {
    px[i] = Math.max(0, Math.min(255, (px[i] - lo) * gain));
    px[i + 1] = Math.max(0, Math.min(255, (px[i + 1] - lo) * gain));
    px[i + 2] = Math.max(0, Math.min(255, (px[i + 2] - lo) * gain));
  }
  sctx.putImageData(rgba, 0, 0);

  // local (adaptive) darkness: darker than the neighbourhood, so walls and shadows drop out
  const L = new Float64Array(w * h);
  const integral = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      L[i] = (px[i * 4] * 299 + px[i * 4 + 1] * 587 + px[i * 4 + 2] * 114) / 1000;
      row += L[i];
      integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
    }
  }
  const r = Math.max(8, Math.round(Math.max(w, h) / 22));
  const dark = new Uint8Array(w * h);
  const red = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const ya = Math.max(0, y - r);
    const yb = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const xa = Math.max(0, x - r);
      const xb = Math.min(w, x + r + 1);
      const mean = (integral[yb * (w + 1) + xb] - integral[ya * (w + 1) + xb] - integral[yb * (w + 1) + xa] + integral[ya * (w + 1) + xa]) / ((yb - ya) * (xb - xa));
      const i = y * w + x;
      const R = px[i * 4];
      const G = px[i * 4 + 1];
      const B = px[i * 4 + 2];
      const redness = R - Math.max(G, B);
      if (redness > 55 && R > 90) red[i] = 1;
      else if (L[i] < mean - Math.max(14, 0.22 * mean) && L[i] < 150 && Math.max(R, G, B) - Math.min(R, G, B) < 70) dark[i] = 1;
    }
  }
  const minArea = Math.max(20, (w * h) / 4000);
  const isCell = (b: Blob): boolean => {
    const bw = b.x1 - b.x0 + 1;
    const bh = b.y1 - b.y0 + 1;
    const ratio = bh / bw;
    return b.area < (w * h) / 60 && ratio > 0.8 && ratio < 2.8 && b.area / (bw * bh) > 0.3;
  };
  const all = [...blobs(dark, w, h, false, minArea), ...blobs(red, w, h, true, minArea)];
  let row = drumRow(all.filter(isCell));
  // no row of separate drums: perhaps blur merged them into strips
  if (row.filter((b) => !b.red).length < 3) row = drumRow(all.flatMap((b) => (isCell(b) ? [b] : splitStrip(b, (w * h) / 60))));
  if (row.length < 3) return null;

  // deskew: least-squares line through the cell centres
  const mx = row.reduce((s, b) => s + b.cx, 0) / row.length;
  const my = row.reduce((s, b) => s + b.cy, 0) / row.length;
  let sxx = 0;
  let sxy = 0;
  for (const b of row) {
    sxx += (b.cx - mx) ** 2;
    sxy += (b.cx - mx) * (b.cy - my);
  }
  const angle = Math.atan2(sxy, sxx);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // positions along the row and the cell size in the row's frame
  const along = row.map((b) => (b.cx - mx) * cos + (b.cy - my) * sin);
  const steps = along.slice(1).map((a, i) => a - along[i]).sort((a, b) => a - b);
  const heights = row.map((b) => (b.y1 - b.y0 + 1) * Math.abs(cos) - (b.x1 - b.x0 + 1) * Math.abs(sin) * 0.3).sort((a, b) => a - b);
  const widths = row.map((b) => Math.min(b.x1 - b.x0 + 1, (b.x1 - b.x0 + 1) * Math.abs(cos))).sort((a, b) => a - b);
  let pitch = steps[Math.floor(steps.length / 2)];
  // a missing cell (glare) doubles one step: the smallest steps are the true pitch
  if (steps.length >= 2 && steps[0] < pitch * 0.75) pitch = steps[0];
  const cellH = Math.max(8, heights[Math.floor(heights.length / 2)]);
  const cellW = Math.max(6, Math.min(pitch * 0.92, widths[Math.floor(widths.length / 2)]));

  // cells: the detected ones plus the ones glare or a reflection hid between them
  const slots: { at: number; red: boolean | null }[] = [];
  for (let i = 0; i < row.length; i++) {
    if (i > 0) {
      const missing = Math.round((along[i] - along[i - 1]) / pitch) - 1;
      for (let m = 1; m <= missing && m < 4; m++) slots.push({ at: along[i - 1] + m * pitch, red: null });
    }
    slots.push({ at: along[i], red: row[i].red });
  }

  // the straightened strip, scaled so that a drum is STRIP_H pixels tall
  const STRIP_H = 64;
  const scale = STRIP_H / cellH;
  const first = slots[0].at - 2.5 * pitch;
  const last = slots[slots.length - 1].at + 2.5 * pitch;
  const stripW = Math.round((last - first) * scale);
  const stripH = Math.round(STRIP_H * 1.5);
  const strip = createCanvas(Math.max(1, stripW), stripH);
  const tctx = strip.getContext('2d');
  tctx.fillStyle = '#808080';
  tctx.fillRect(0, 0, stripW, stripH);
  tctx.scale(scale, scale);
  tctx.translate(-first, stripH / scale / 2);
  tctx.rotate(-angle);
  tctx.translate(-mx, -my);
  tctx.drawImage(src, 0, 0);
  const sdata = tctx.getImageData(0, 0, Math.max(1, stripW), stripH).data;

  // glare can hide a drum at either end: m³ meters have (at least) five black drums, so look one
  // pitch further out for drum-like contrast while fewer are known
  const cellStd = (at: number): number => {
    const cx = (at - first) * scale;
    const x0 = Math.round(cx - (cellW * scale) / 2.4);
    const x1 = Math.round(cx + (cellW * scale) / 2.4);
    if (x0 < 0 || x1 > stripW) return 0;
    let sum = 0;
    let sq = 0;
    let n = 0;
    for (let yy = Math.round(stripH / 2 - STRIP_H / 3); yy < stripH / 2 + STRIP_H / 3; yy++) {
      for (let x = x0; x < x1; x++) {
        const i = (yy * stripW + x) * 4;
        const v = (sdata[i] * 299 + sdata[i + 1] * 587 + sdata[i + 2] * 114) / 1000;
        sum += v;
        sq += v * v;
        n++;
      }
    }
    return n ? Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2)) : 0;
  };
  const cut = (s: { at: number; red: boolean | null }): DrumGlyph => {
    const cx = (s.at - first) * scale;
    const halfW = (cellW * scale) / 2;
    const x0 = Math.max(0, Math.round(cx - halfW * 0.86));
    const x1 = Math.min(stripW, Math.round(cx + halfW * 0.86));
    const y0 = Math.round(stripH / 2 - STRIP_H / 2 + 2);
    const y1 = Math.round(stripH / 2 + STRIP_H / 2 - 2);
    return cutGlyph(sdata, stripW, x0, y0, x1, y1, s.red);
  };
  const hasRed = slots.some((s) => s.red);
  for (let tries = 0; tries < 2 && slots.filter((s) => s.red !== true).length < 5; tries++) {
    const l = { at: slots[0].at - pitch, red: false };
    const r = { at: slots[slots.length - 1].at + pitch, red: false };
    const left = cellStd(l.at) >= 22 && !cut(l).empty ? cellStd(l.at) : 0;
    const right = !hasRed && cellStd(r.at) >= 22 && !cut(r).empty ? cellStd(r.at) : 0;
    if (!left && !right) break;
    if (left >= right) slots.unshift(l);
    else slots.push(r);
  }

  const drums: DrumGlyph[] = slots.map(cut);
  return { angleDeg: (angle * 180) / Math.PI, drums };
}

/** One cell → a normalised glyph (digit ink black on white). */
function cutGlyph(data: Uint8ClampedArray, stride: number, x0: number, y0: number, x1: number, y1: number, knownRed: boolean | null): DrumGlyph {
  const cw = Math.max(1, x1 - x0);
  const ch = Math.max(1, y1 - y0);
  const l = new Uint8Array(cw * ch);
  let redSum = 0;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const i = ((y0 + y) * stride + x0 + x) * 4;
      l[y * cw + x] = (data[i] * 299 + data[i + 1] * 587 + data[i + 2] * 114) / 1000;
      redSum += data[i] - Math.max(data[i + 1], data[i + 2]);
    }
  }
  const colour: 'black' | 'red' = knownRed ?? redSum / (cw * ch) > 30 ? 'red' : 'black';
  // local stretch, then Otsu: the digit is the bright part of a drum
  const sorted = Uint8Array.from(l).sort();
  const lo = sorted[Math.floor(sorted.length * 0.03)];
  const hi = sorted[Math.floor(sorted.length * 0.97)];
  const span = Math.max(1, hi - lo);
  for (let i = 0; i < l.length; i++) l[i] = Math.max(0, Math.min(255, ((l[i] - lo) * 255) / span));
  const thr = otsu(l);
  const ink = new Uint8Array(cw * ch);
  for (let i = 0; i < l.length; i++) ink[i] = l[i] > thr ? 1 : 0;
  // keep the digit's parts: blobs away from the left/right edges (remnants of the frame)
  const parts = blobs(ink, cw, ch, false, Math.max(4, (cw * ch) / 200)).filter((b) => (b.x1 - b.x0 + 1) < cw * 0.95 && ((b.x0 > 0 && b.x1 < cw - 1) || (b.x1 - b.x0 + 1) > cw * 0.4));
  const keep = new Uint8Array(cw * ch);
  const rowsInk = new Uint32Array(ch);
  for (const b of parts) {
    for (let y = b.y0; y <= b.y1; y++) for (let x = b.x0; x <= b.x1; x++) if (ink[y * cw + x]) keep[y * cw + x] = 1;
  }
  for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) rowsInk[y] += keep[y * cw + x];
  const total = rowsInk.reduce((s, v) => s + v, 0);
  const mask = new Uint8Array(GLYPH_W * GLYPH_H).fill(255);
  if (total < cw * ch * 0.03) return { colour, partial: null, empty: true, mask, cell: { w: cw, h: ch, ink: keep, bands: [] } };
  // vertical bands of ink separated by empty rows
  const bands: { y0: number; y1: number; ink: number }[] = [];
  let y = 0;
  while (y < ch) {
    if (rowsInk[y] <= 0) {
      y++;
      continue;
    }
    const b = { y0: y, y1: y, ink: 0 };
    while (y < ch && rowsInk[y] > 0) b.ink += rowsInk[y++];
    b.y1 = y - 1;
    if (b.ink > total * 0.04) bands.push(b);
  }
  let band = bands.reduce((a, b) => (b.ink > a.ink ? b : a), bands[0]);
  let partial: DrumGlyph['partial'] = null;
  if (bands.length >= 2) {
    const top = bands[0];
    const bottom = bands[bands.length - 1];
    const touchesTop = top.y0 <= ch * 0.08;
    const touchesBottom = bottom.y1 >= ch * 0.92;
    if (touchesTop && touchesBottom) {
      const topH = top.y1 - top.y0;
      const botH = bottom.y1 - bottom.y0;
      band = topH >= botH ? top : bottom;
      partial = topH >= botH ? 'lower' : 'upper';
      // a sliver at one edge with a whole digit in the middle is not a half-turn
      if (Math.max(topH, botH) > ch * 0.62) partial = null;
    }
  } else if (band && band.y1 - band.y0 < ch * 0.5 && (band.y0 <= ch * 0.08 || band.y1 >= ch * 0.92)) {
    partial = band.y0 <= ch * 0.08 ? 'lower' : 'upper';
  }
  let bx0 = cw;
  let bx1 = 0;
  for (let yy = band.y0; yy <= band.y1; yy++) {
    for (let x = 0; x < cw; x++) {
      if (keep[yy * cw + x]) {
        if (x < bx0) bx0 = x;
        if (x > bx1) bx1 = x;
      }
    }
  }
  // fit the band into the glyph box: whole digits fill the height; parts keep the digit's scale
  const bh = band.y1 - band.y0 + 1;
  const bw = bx1 - bx0 + 1;
  const fullH = partial ? ch * 0.7 : bh;
  const s = Math.min((GLYPH_H * 0.7) / fullH, (GLYPH_W * 0.8) / bw);
  const ox = (GLYPH_W - bw * s) / 2;
  const oy = partial === 'lower' ? GLYPH_H * 0.15 + (GLYPH_H * 0.7 - bh * s) : partial === 'upper' ? GLYPH_H * 0.15 : (GLYPH_H - bh * s) / 2;
  for (let gy = 0; gy < GLYPH_H; gy++) {
    for (let gx = 0; gx < GLYPH_W; gx++) {
      const sx = Math.floor((gx - ox) / s) + bx0;
      const sy = Math.floor((gy - oy) / s) + band.y0;
      if (sx >= bx0 && sx <= bx1 && sy >= band.y0 && sy <= band.y1 && keep[sy * cw + sx]) mask[gy * GLYPH_W + gx] = 0;
    }
  }
  return { colour, partial, empty: false, mask, cell: { w: cw, h: ch, ink: keep, bands: bands.map(({ y0: a, y1: b }) => ({ y0: a, y1: b })) } };
}

/** Glyphs side by side on white, as a PNG for the OCR engine (one text line). */
export function glyphLine(glyphs: DrumGlyph[]): Buffer {
  const gap = 14;
  const margin = 24;
  const canvas: Canvas = createCanvas(margin * 2 + glyphs.length * GLYPH_W + (glyphs.length - 1) * gap, GLYPH_H + margin * 2);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  glyphs.forEach((g, k) => {
    const ox = margin + k * (GLYPH_W + gap);
    for (let y = 0; y < GLYPH_H; y++) {
      for (let x = 0; x < GLYPH_W; x++) {
        const v = g.mask[y * GLYPH_W + x];
        const i = ((margin + y) * canvas.width + ox + x) * 4;
        img.data[i] = v;
        img.data[i + 1] = v;
        img.data[i + 2] = v;
      }
    }
  });
  ctx.putImageData(img, 0, 0);
  return canvas.encodeSync('png');
}

/**
 * Drums caught between two digits. Tesseract reads whole glyphs; a drum halfway shows only the
 * bottom of the lower digit above the top of the next one, which no text OCR reads. Such a drum
 * is matched against digit shapes: for each candidate d, the top band against the bottom of d and
 * the bottom band against the top of d+1 (the drum's order), scaled to the height of the whole
 * digits in the same photo. The lower digit d is the answer (the rule for half-turned drums).
 * The shapes are drawn from the DejaVu fonts the project already ships (npm `dejavu-fonts-ttf`).
 */
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { join } from 'node:path';
import type { DrumGlyph } from './preprocess';

const FONT_DIR = join(require.resolve('dejavu-fonts-ttf/package.json'), '..', 'ttf');
const TEMPLATE_FONTS: [string, string][] = [
  ['KroplaOcrSans', 'DejaVuSans-Bold.ttf'],
  ['KroplaOcrMono', 'DejaVuSansMono-Bold.ttf'],
];

interface Shape {
  w: number;
  h: number;
  ink: Uint8Array;
}

let shapes: Shape[][] | null = null;

/** Digit shapes (ink cropped to its box), per font, 0–9. */
function digitShapes(): Shape[][] {
  if (shapes) return shapes;
  shapes = TEMPLATE_FONTS.map(([family, file]) => {
    if (!GlobalFonts.has(family)) GlobalFonts.registerFromPath(join(FONT_DIR, file), family);
    return Array.from({ length: 10 }, (_, d) => {
      const c = createCanvas(120, 160);
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, 120, 160);
      ctx.fillStyle = '#000';
      ctx.font = `120px ${family}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(String(d), 60, 80);
      const px = ctx.getImageData(0, 0, 120, 160).data;
      let x0 = 120;
      let x1 = 0;
      let y0 = 160;
      let y1 = 0;
      for (let y = 0; y < 160; y++) {
        for (let x = 0; x < 120; x++) {
          if (px[(y * 120 + x) * 4] < 128) {
            x0 = Math.min(x0, x);
            x1 = Math.max(x1, x);
            y0 = Math.min(y0, y);
            y1 = Math.max(y1, y);
          }
        }
      }
      const w = x1 - x0 + 1;
      const h = y1 - y0 + 1;
      const ink = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) ink[y * w + x] = px[((y + y0) * 120 + x + x0) * 4] < 128 ? 1 : 0;
      return { w, h, ink };
    });
  });
  return shapes;
}

/**
 * How well the rows [y0..y1] of the cell match a digit shape scaled to `digitH` rows, the shape's
 * row `anchorRow` (0 = its top, digitH-1 = its bottom) lying on cell row `anchorY`. Dice of the ink.
 */
function bandScore(cell: DrumGlyph['cell'], y0: number, y1: number, shape: Shape, digitH: number, anchorY: number, anchorRow: number): number {
  const k = digitH / shape.h;
  const sw = Math.max(1, Math.round(shape.w * k));
  let best = 0;
  for (let dx = -3; dx <= 3; dx++) {
    const left = Math.round((cell.w - sw) / 2) + dx;
    let both = 0;
    let a = 0;
    let b = 0;
    for (let y = y0; y <= y1; y++) {
      const row = y - anchorY + anchorRow;
      for (let x = 0; x < cell.w; x++) {
        const inCell = cell.ink[y * cell.w + x] === 1;
        let inShape = false;
        if (row >= 0 && row < digitH && x >= left && x < left + sw) {
          inShape = shape.ink[Math.min(shape.h - 1, Math.floor(row / k)) * shape.w + Math.min(shape.w - 1, Math.floor((x - left) / k))] === 1;
        }
        if (inCell) a++;
        if (inShape) b++;
        if (inCell && inShape) both++;
      }
    }
    if (a + b) best = Math.max(best, (2 * both) / (a + b));
  }
  return best;
}

/** The lower digit of a half-turned drum, with a confidence 0–100 (margin over the runner-up). */
export function readHalfTurned(glyph: DrumGlyph, digitH: number): { digit: number | null; confidence: number } {
  const { cell } = glyph;
  const top = cell.bands.find((b) => b.y0 <= cell.h * 0.08);
  const bottom = [...cell.bands].reverse().find((b) => b.y1 >= cell.h * 0.92 && b !== top);
  if (!top && !bottom) return { digit: null, confidence: 0 };
  const rows = (top ? top.y1 - top.y0 + 1 : 0) + (bottom ? bottom.y1 - bottom.y0 + 1 : 0);
  const scores = new Array<number>(10).fill(0);
  for (const font of digitShapes()) {
    for (let d = 0; d < 10; d++) {
      let s = 0;
      if (top) s += bandScore(cell, top.y0, top.y1, font[d], digitH, top.y1, digitH - 1) * (top.y1 - top.y0 + 1);
      if (bottom) s += bandScore(cell, bottom.y0, bottom.y1, font[(d + 1) % 10], digitH, bottom.y0, 0) * (bottom.y1 - bottom.y0 + 1);
      scores[d] = Math.max(scores[d], s / rows);
    }
  }
  const order = scores.map((s, d) => ({ s, d })).sort((a, b) => b.s - a.s);
  const margin = order[0].s - order[1].s;
  return { digit: order[0].d, confidence: Math.round(100 * order[0].s * Math.min(1, margin / 0.06)) };
}

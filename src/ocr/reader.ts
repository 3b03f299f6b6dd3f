/**
 * Reads the digits of a meter photo: the pre-processed drum glyphs (preprocess.ts) go to
 * tesseract.js 7 (LSTM, English traineddata from the npm package `@tesseract.js-data/eng`, digits
 * only). Nothing is fetched: the trained data is read from node_modules and no cache is written.
 * Runs inside the OCR worker thread (thread.ts); the caller is `MeterOcr` (index.ts).
 */
import { join } from 'node:path';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';
import { findCounterWindow, glyphLine, type DrumGlyph } from './preprocess';
import { readHalfTurned } from './halfTurn';
import type { MeterRead } from './types';

/** Where the trained data lives: inside the npm package, never a download. */
export const TRAINEDDATA_DIR = join(require.resolve('@tesseract.js-data/eng/package.json'), '..', '4.0.0_best_int');

/** A digit below this tesseract confidence (0–100) counts as uncertain. */
export const MIN_DIGIT_CONFIDENCE = 55;

export class DigitReader {
  private worker: Promise<Worker> | null = null;

  private engine(): Promise<Worker> {
    this.worker ??= (async () => {
      const w = await createWorker('eng', OEM.LSTM_ONLY, { langPath: TRAINEDDATA_DIR, cacheMethod: 'none', gzip: true });
      await w.setParameters({ tessedit_char_whitelist: '0123456789', classify_bln_numeric_mode: '1' });
      return w;
    })();
    return this.worker;
  }

  /** One text line of glyphs → digits with confidences, or null when the count does not match. */
  private async line(glyphs: DrumGlyph[]): Promise<{ digit: number; confidence: number }[] | null> {
    const w = await this.engine();
    await w.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_LINE });
    const { data } = await w.recognize(glyphLine(glyphs), {}, { text: true, blocks: true });
    const symbols = (data.blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words.flatMap((wd) => wd.symbols))));
    const digits = symbols.filter((s) => /^[0-9]$/.test(s.text));
    if (digits.length !== glyphs.length) return null;
    return digits.map((s) => ({ digit: Number(s.text), confidence: s.confidence }));
  }

  /** One glyph alone. */
  private async single(glyph: DrumGlyph): Promise<{ digit: number | null; confidence: number }> {
    const w = await this.engine();
    await w.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_CHAR });
    const { data } = await w.recognize(glyphLine([glyph]));
    const t = data.text.replace(/\s/g, '');
    return /^[0-9]$/.test(t) ? { digit: Number(t), confidence: data.confidence } : { digit: null, confidence: 0 };
  }

  /** Digits of a run of drums; a half-turned drum counts as its lower digit. */
  private async drums(glyphs: DrumGlyph[], digitH: number): Promise<{ digit: number | null; confidence: number; halfTurned: boolean }[]> {
    const out: { digit: number | null; confidence: number; halfTurned: boolean }[] = glyphs.map((g) => ({ digit: null, confidence: 0, halfTurned: g.partial !== null }));
    const whole = glyphs.map((g, i) => ({ g, i })).filter(({ g }) => !g.partial && !g.empty);
    const fromLine = whole.length ? await this.line(whole.map(({ g }) => g)) : [];
    for (const [k, { g, i }] of whole.entries()) {
      const r = fromLine ? fromLine[k] : await this.single(g);
      out[i] = { digit: r.digit, confidence: r.confidence, halfTurned: false };
    }
    for (const [i, g] of glyphs.entries()) {
      if (!g.partial || g.empty) continue;
      const r = readHalfTurned(g, digitH);
      out[i] = { digit: r.digit, confidence: r.confidence, halfTurned: true };
    }
    return out;
  }

  /** Reads one photo. */
  async read(photo: Buffer): Promise<MeterRead> {
    const started = Date.now();
    const win = await findCounterWindow(photo);
    if (!win) return { found: false, cubicMetres: null, litres: null, seen: '', certain: false, halfTurned: false, angleDeg: 0, millis: Date.now() - started };
    const black = win.drums.filter((d) => d.colour === 'black');
    const red = win.drums.filter((d) => d.colour === 'red');
    // the height of a whole digit in this photo (the scale for half-turned drums)
    const heights = win.drums.filter((d) => !d.partial && !d.empty && d.cell.bands.length).map((d) => Math.max(...d.cell.bands.map((b) => b.y1 - b.y0 + 1))).sort((a, b) => a - b);
    const digitH = heights.length ? heights[Math.floor(heights.length / 2)] : Math.round((win.drums[0]?.cell.h ?? 60) * 0.55);
    const m3 = await this.drums(black, digitH);
    const l = red.length ? await this.drums(red, digitH) : [];
    const show = (ds: { digit: number | null }[]): string => ds.map((d) => (d.digit === null ? '?' : String(d.digit))).join('');
    const all = [...m3, ...l];
    const certain = m3.length >= 4 && m3.length <= 6 && all.every((d) => d.digit !== null && d.confidence >= MIN_DIGIT_CONFIDENCE) && (l.length === 0 || l.length === 3);
    const m3Text = show(m3);
    const lText = l.length ? show(l) : null;
    return {
      found: true,
      cubicMetres: /^[0-9]+$/.test(m3Text) ? m3Text : null,
      litres: lText && /^[0-9]{3}$/.test(lText) ? lText : null,
      seen: lText ? `${m3Text},${lText}` : m3Text,
      certain,
      halfTurned: all.some((d) => d.halfTurned),
      angleDeg: Math.round(win.angleDeg * 10) / 10,
      millis: Date.now() - started,
    };
  }

  async close(): Promise<void> {
    if (this.worker) await (await this.worker).terminate();
    this.worker = null;
  }
}

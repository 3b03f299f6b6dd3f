/**
 * OCR on generated meter photos (a sample: `npm run ocr:eval` runs the full 200 with the 90% floor)
 * and the plausibility rules that decide what is suggested.
 */
import { createCanvas } from '@napi-rs/canvas';
import { judgeRead, MeterOcr, type MeterRead } from '../../src/ocr';
import { evaluateOcr } from '../../bench/ocrEval';
import { drawMeter, meterTestSet } from '../support/meterImages';

jest.setTimeout(120_000);

const read = (over: Partial<MeterRead>): MeterRead => ({ found: true, cubicMetres: '00123', litres: '456', seen: '00123,456', certain: true, halfTurned: false, angleDeg: 0, millis: 1, ...over });
const history = { last: { valueLitres: 120_000, date: '2026-10-31' }, averageDailyLitres: 200, today: '2026-11-30' };

describe('plausibility', () => {
  test('a confident read not lower than the last and within 3× usual use is suggested', () => {
    expect(judgeRead(read({}), history)).toEqual({ kind: 'suggest', litres: 123_456, litresRead: true });
  });
  test('lower than the last reading, far above usual use, or uncertain: asked to type, with what was seen', () => {
    expect(judgeRead(read({ cubicMetres: '00119', seen: '00119,456' }), history)).toEqual({ kind: 'ask', reason: 'lower', seen: '00119,456' });
    // 30 days × 200 l × 3 + 1 m³ slack = 19 m³ allowed
    expect(judgeRead(read({ cubicMetres: '00139', seen: '00139,456' }), history)).toEqual({ kind: 'ask', reason: 'tooHigh', seen: '00139,456' });
    expect(judgeRead(read({ certain: false, seen: '0012?,456' }), history)).toEqual({ kind: 'ask', reason: 'unreadable', seen: '0012?,456' });
    expect(judgeRead(read({ found: false, cubicMetres: null, seen: '' }), history).kind).toBe('ask');
  });
  test('pointer dials (no litre drums): the whole m³ is suggested', () => {
    expect(judgeRead(read({ litres: null, seen: '00123' }), history)).toEqual({ kind: 'suggest', litres: 123_000, litresRead: false });
  });
});

describe('reading the drums (in the OCR worker thread)', () => {
  const ocr = new MeterOcr();
  afterAll(async () => {
    await ocr.close();
  });

  test('a half-turned units drum (between 7 and 8) is read as the lower digit', async () => {
    // seed 6 of the half-turn set draws the units drum between two digits
    const sample = drawMeter(6, 'halfTurn');
    const r = await ocr.read(sample.image);
    expect(r.halfTurned).toBe(true);
    expect(r.cubicMetres).toBe(sample.cubicMetres);
  });

  test('a photo with no meter finds no counter window; a broken file is an error, not a crash', async () => {
    const c = createCanvas(320, 240);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#8a7f70';
    ctx.fillRect(0, 0, 320, 240);
    const r = await ocr.read(c.encodeSync('jpeg', 80));
    expect(r.cubicMetres).toBeNull();
    expect(judgeRead(r, history).kind).toBe('ask');
    await expect(ocr.read(Buffer.from('not an image'))).rejects.toThrow(/OCR failed/);
    expect((await ocr.read(drawMeter(1, 'clean').image)).found).toBe(true);
  });

  test('a sample of 8 generated photos (one of each difficulty): ≥ 75% m³ exact, no wrong value submitted', async () => {
    const r = await evaluateOcr(meterTestSet(1, 101), { read: (p) => ocr.read(p), close: async () => undefined });
    expect(r.n).toBe(8);
    expect(r.m3Exact / r.n).toBeGreaterThanOrEqual(0.75);
    expect(r.wrongSubmitted).toBe(0);
    expect(r.suggestedRight + r.caughtByPlausibility + r.caughtByConfirmation + r.rightButAsked).toBe(8);
  });
});

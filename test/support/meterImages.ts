/**
 * Synthetic water-meter photos for the OCR tests, `npm run ocr:eval` and `npm run bench -- ocr`:
 * several meter faces (round brass, square blue, drums + red pointer dials), black m³ drums and red
 * litre drums, half-turned drums, and the troubles of cellar photos (rotation up to ±15°, blur,
 * glare, low light, JPEG noise). Deterministic for a seed.
 */
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import { join } from 'node:path';

export type Difficulty = 'clean' | 'rotation' | 'blur' | 'glare' | 'lowLight' | 'jpeg' | 'halfTurn' | 'mixed';
export const DIFFICULTIES: Difficulty[] = ['clean', 'rotation', 'blur', 'glare', 'lowLight', 'jpeg', 'halfTurn', 'mixed'];
export type Face = 'brass' | 'blue' | 'dials';
const FACES: Face[] = ['brass', 'blue', 'dials'];

export interface MeterSample {
  /** Difficulty this image was made for. */
  difficulty: Difficulty;
  face: Face;
  font: string;
  /** The true m³ part as printed (5 digits, leading zeros), half-turned drums counted as the lower digit. */
  cubicMetres: string;
  /** The true litre part (3 digits) shown by the red drums; null on the pointer-dial face. */
  litres: string | null;
  /** The value in litres a careful reader writes down (m³ and the red drums). */
  valueLitres: number;
  rotationDeg: number;
  /** JPEG bytes. */
  image: Buffer;
}

const FONT_DIR = join(require.resolve('dejavu-fonts-ttf/package.json'), '..', 'ttf');
const FONTS: [string, string][] = [
  ['MeterSans', 'DejaVuSans-Bold.ttf'],
  ['MeterMono', 'DejaVuSansMono-Bold.ttf'],
  ['MeterSerif', 'DejaVuSerif-Bold.ttf'],
  ['MeterCond', 'DejaVuSansCondensed-Bold.ttf'],
];
function ensureFonts(): void {
  for (const [family, file] of FONTS) if (!GlobalFonts.has(family)) GlobalFonts.registerFromPath(join(FONT_DIR, file), family);
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const W = 640;
const H = 480;

/** Draws one drum showing `pos` (3.5 = halfway from 3 to 4) in the cell. */
function drum(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, pos: number, bg: string, fg: string, font: string): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.fillStyle = bg;
  ctx.fillRect(x, y, w, h);
  ctx.fillStyle = fg;
  ctx.font = `${Math.round(h * 0.72)}px ${font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const lower = Math.floor(pos) % 10;
  const frac = pos - Math.floor(pos);
  const pitch = h * 1.05;
  ctx.fillText(String(lower), x + w / 2, y + h / 2 - frac * pitch);
  ctx.fillText(String((lower + 1) % 10), x + w / 2, y + h / 2 + (1 - frac) * pitch);
  // the drum's curvature: darker at the top and bottom edges
  const g = ctx.createLinearGradient(0, y, 0, y + h);
  g.addColorStop(0, 'rgba(0,0,0,0.45)');
  g.addColorStop(0.25, 'rgba(0,0,0,0)');
  g.addColorStop(0.75, 'rgba(0,0,0,0)');
  g.addColorStop(1, 'rgba(0,0,0,0.45)');
  ctx.fillStyle = g;
  ctx.fillRect(x, y, w, h);
  ctx.restore();
}

function dial(ctx: SKRSContext2D, cx: number, cy: number, r: number, angle: number, label: string): void {
  ctx.save();
  ctx.fillStyle = '#fafafa';
  ctx.strokeStyle = '#c8102e';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
  for (let i = 0; i < 10; i++) {
    const a = (i / 10) * Math.PI * 2 - Math.PI / 2;
    ctx.beginPath();
    ctx.moveTo(cx + Math.cos(a) * r * 0.78, cy + Math.sin(a) * r * 0.78);
    ctx.lineTo(cx + Math.cos(a) * r * 0.95, cy + Math.sin(a) * r * 0.95);
    ctx.stroke();
  }
  ctx.fillStyle = '#c8102e';
  ctx.translate(cx, cy);
  ctx.rotate(angle);
  ctx.beginPath();
  ctx.moveTo(-r * 0.12, 0);
  ctx.lineTo(0, -r * 0.85);
  ctx.lineTo(r * 0.12, 0);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
  ctx.fillStyle = '#888';
  ctx.font = `${Math.round(r * 0.5)}px MeterSans`;
  ctx.textAlign = 'center';
  ctx.fillText(label, cx, cy + r + 12);
}

/** One meter photo; `valueLitres` fixes the value shown (else drawn from the seed), `face` the meter face. */
export function drawMeter(seed: number, difficulty: Difficulty, fixed: { valueLitres?: number; face?: Face } = {}): MeterSample {
  ensureFonts();
  const rnd = prng(seed * 7919 + DIFFICULTIES.indexOf(difficulty));
  const drawnFace = FACES[Math.floor(rnd() * FACES.length)];
  const face = fixed.face ?? drawnFace;
  const font = FONTS[Math.floor(rnd() * FONTS.length)][0];
  const hard = (d: Difficulty): boolean => difficulty === d || (difficulty === 'mixed' && rnd() < 0.5);
  // the value: m³ 0..99999 (mostly small), litres 0..999
  const drawnM3 = Math.floor(rnd() < 0.7 ? rnd() * 2000 : rnd() * 99999);
  const drawnLitres = Math.floor(rnd() * 1000);
  const m3 = fixed.valueLitres === undefined ? drawnM3 : Math.floor(fixed.valueLitres / 1000);
  const litres = fixed.valueLitres === undefined ? drawnLitres : fixed.valueLitres % 1000;
  const drumsM3 = String(m3).padStart(5, '0').split('').map(Number);
  const drumsL = String(litres).padStart(3, '0').split('').map(Number);
  // positions: the last red drum turns continuously; a half-turned m³ drum rolls with the 9s below it
  const pos: number[] = [...drumsM3, ...drumsL].map((d) => d);
  pos[7] += rnd() * 0.25;
  let truthM3 = drumsM3.join('');
  if (hard('halfTurn')) {
    // the units m³ drum (and the tens when the units show 9) between two digits; the lower digit counts
    const frac = 0.3 + rnd() * 0.4;
    const k = rnd() < 0.3 ? 3 : 4;
    if (k === 3) pos[4] = 9;
    for (let i = k; i <= 4; i++) pos[i] = (i === 4 ? Math.floor(pos[4]) : pos[i]) + frac;
    if (face !== 'dials') for (let i = 5; i < 8; i++) pos[i] = 9 + frac * (i === 7 ? 1 : 0.99);
    truthM3 = pos.slice(0, 5).map((p) => Math.floor(p) % 10).join('');
  }
  const trueLitres = face === 'dials' ? null : pos.slice(5).map((p) => Math.floor(p) % 10).join('');
  const valueLitres = Number(truthM3) * 1000 + (face === 'dials' ? litres : Number(trueLitres));

  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  // cellar wall
  const wall = ctx.createLinearGradient(0, 0, W, H);
  const tone = 90 + Math.floor(rnd() * 80);
  wall.addColorStop(0, `rgb(${tone},${tone - 8},${tone - 20})`);
  wall.addColorStop(1, `rgb(${tone - 40},${tone - 45},${tone - 50})`);
  ctx.fillStyle = wall;
  ctx.fillRect(0, 0, W, H);
  // pipe
  ctx.fillStyle = '#6e7378';
  ctx.fillRect(0, H / 2 - 30, W, 60);

  const rotationDeg = hard('rotation') ? (rnd() * 2 - 1) * 15 : (rnd() * 2 - 1) * 2;
  const cx = W / 2 + (rnd() * 2 - 1) * 30;
  const cy = H / 2 + (rnd() * 2 - 1) * 20;
  const scale = 0.85 + rnd() * 0.3;
  ctx.save();
  ctx.translate(cx, cy);
  ctx.rotate((rotationDeg * Math.PI) / 180);
  ctx.scale(scale, scale);
  // housing
  if (face === 'blue') {
    ctx.fillStyle = '#1f4e9a';
    ctx.beginPath();
    ctx.roundRect(-200, -170, 400, 340, 40);
    ctx.fill();
    ctx.fillStyle = '#eef1f4';
    ctx.beginPath();
    ctx.roundRect(-175, -145, 350, 290, 24);
    ctx.fill();
  } else {
    ctx.fillStyle = face === 'brass' ? '#b08d3c' : '#9aa0a6';
    ctx.beginPath();
    ctx.arc(0, 0, 195, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#f4f2ea';
    ctx.beginPath();
    ctx.arc(0, 0, 165, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.fillStyle = '#777';
  ctx.textAlign = 'center';
  ctx.font = '15px MeterSans';
  ctx.fillText(face === 'blue' ? 'AQUA-KW  Q3 2,5' : 'KW-METER  R160', 0, -95);
  // window with the drums
  const cw = 30;
  const ch = 44;
  const gap = 5;
  const n = face === 'dials' ? 5 : 8;
  const ww = n * cw + (n + 1) * gap;
  const wx = -ww / 2;
  const wy = -60;
  ctx.fillStyle = '#d9d9d9';
  ctx.fillRect(wx - 4, wy - 4, ww + 8, ch + 2 * gap + 8);
  ctx.fillStyle = '#a6a6a6';
  ctx.fillRect(wx, wy, ww, ch + 2 * gap);
  for (let i = 0; i < n; i++) {
    const red = i >= 5;
    drum(ctx, wx + gap + i * (cw + gap), wy + gap, cw, ch, pos[i], red ? '#b3121b' : '#141414', '#f5f5f5', font);
  }
  ctx.fillStyle = '#555';
  ctx.font = '16px MeterSans';
  ctx.fillText('m³', wx + ww + 20, wy + ch / 2 + 10);
  if (face === 'dials') {
    const angles = [litres / 1000, (litres % 100) / 100, (litres % 10) / 10, rnd()];
    ['x0,1', 'x0,01', 'x0,001', 'x0,0001'].forEach((label, i) => dial(ctx, -105 + i * 70, 45, 24, angles[i] * Math.PI * 2, label));
  } else {
    ctx.fillStyle = '#999';
    ctx.font = '13px MeterSans';
    ctx.fillText('MID  M20 0102  2026', 0, 60);
  }
  ctx.restore();

  // light: glare spot, low light, then blur and noise
  if (hard('glare')) {
    const gx = cx + (rnd() * 2 - 1) * 110;
    const gy = cy - 40 + (rnd() * 2 - 1) * 20;
    const g = ctx.createRadialGradient(gx, gy, 2, gx, gy, 45 + rnd() * 35);
    g.addColorStop(0, `rgba(255,255,250,${(0.45 + rnd() * 0.2).toFixed(2)})`);
    g.addColorStop(1, 'rgba(255,255,250,0)');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, W, H);
  }
  if (hard('lowLight')) {
    ctx.fillStyle = `rgba(0,0,0,${0.55 + rnd() * 0.25})`;
    ctx.fillRect(0, 0, W, H);
  }
  let out = canvas;
  if (hard('blur')) {
    const blurred = createCanvas(W, H);
    const b = blurred.getContext('2d');
    b.filter = `blur(${(1.2 + rnd() * 1.3).toFixed(2)}px)`;
    b.drawImage(canvas, 0, 0);
    out = blurred;
  }
  // sensor noise, stronger in low light
  const octx = out.getContext('2d');
  const img = octx.getImageData(0, 0, W, H);
  const amp = difficulty === 'lowLight' ? 14 : 6;
  for (let i = 0; i < img.data.length; i += 4) {
    const nz = (rnd() + rnd() - 1) * amp;
    img.data[i] = Math.max(0, Math.min(255, img.data[i] + nz));
    img.data[i + 1] = Math.max(0, Math.min(255, img.data[i + 1] + nz));
    img.data[i + 2] = Math.max(0, Math.min(255, img.data[i + 2] + nz));
  }
  octx.putImageData(img, 0, 0);
  const quality = hard('jpeg') ? 12 + Math.floor(rnd() * 14) : 85;
  return { difficulty, face, font, cubicMetres: truthM3, litres: trueLitres, valueLitres, rotationDeg, image: out.encodeSync('jpeg', quality) };
}

/** The test set: `perKind` images of every difficulty (8 kinds), seeds from `firstSeed`. */
export function meterTestSet(perKind: number, firstSeed = 1): MeterSample[] {
  const out: MeterSample[] = [];
  for (let i = 0; i < perKind; i++) for (const d of DIFFICULTIES) out.push(drawMeter(firstSeed + i, d));
  return out;
}

/** A clear photo of a meter showing `valueLitres` (for dialog and channel tests). */
export function meterPhoto(valueLitres: number): Buffer {
  return drawMeter(3, 'clean', { valueLitres, face: 'brass' }).image;
}

/** Helpers for the document tests: PNG header, pixels, QR module comparison, PDF text. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import QRCode from 'qrcode';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk (throws when the bytes are not a PNG). */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  if (png.subarray(12, 16).toString('ascii') !== 'IHDR') throw new Error('no IHDR first');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Decoded RGBA pixels of a PNG. */
export async function pixels(png: Buffer): Promise<{ width: number; height: number; at(x: number, y: number): [number, number, number, number] }> {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  return {
    width: img.width,
    height: img.height,
    at(x, y) {
      const i = (y * img.width + x) * 4;
      return [data[i], data[i + 1], data[i + 2], data[i + 3]];
    },
  };
}

/**
 * Reads a QR symbol back from a PNG made with margin 2 (sampling the centre of every module) and
 * compares it with the symbol `qrcode` builds for `payload` at level M: true when they are the same.
 */
export async function qrPngEncodes(png: Buffer, payload: string, margin = 2): Promise<boolean> {
  const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const px = await pixels(png);
  const scale = px.width / (size + margin * 2);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const [red] = px.at(Math.floor((c + margin + 0.5) * scale), Math.floor((r + margin + 0.5) * scale));
      const dark = red < 128;
      if (dark !== Boolean(qr.modules.get(r, c))) return false;
    }
  }
  return true;
}

/** Runs a poppler tool, saying what to install when it is missing. */
function poppler(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${tool} not found: poppler-utils is missing (apt-get install -y poppler-utils)`);
    throw e;
  }
}

/** Text of a PDF via poppler's pdftotext, in reading order, every run of white space made one space. */
export function pdfText(pdf: Buffer): string {
  return withTempFile(pdf, (file) => poppler('pdftotext', ['-enc', 'UTF-8', file, '-'])).replace(/\s+/g, ' ');
}

/** `pdfinfo` fields (Title, Author, Pages, …). */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  const out = withTempFile(pdf, (file) => poppler('pdfinfo', ['-enc', 'UTF-8', file]));
  return Object.fromEntries(out.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

/** Fonts listed by `pdffonts` (name, type, embedded). */
export function pdfFonts(pdf: Buffer): string {
  return withTempFile(pdf, (file) => poppler('pdffonts', [file]));
}

/** The images of a PDF as PNGs (`pdfimages -png`), without their soft masks (alpha channels). */
export function pdfImages(pdf: Buffer): Buffer[] {
  return withTempFile(pdf, (file, dir) => {
    // `-list` rows: page num type width height …; keep the numbers of type "image".
    const list = poppler('pdfimages', ['-list', file]).split('\n').slice(2).map((l) => l.trim().split(/\s+/)).filter((c) => c.length > 3);
    const wanted = new Set(list.map((c, i) => (c[2] === 'image' ? i : -1)).filter((i) => i >= 0));
    execFileSync('pdfimages', ['-png', file, join(dir, 'img')]);
    return readdirSync(dir).filter((f) => f.startsWith('img')).sort().filter((_, i) => wanted.has(i)).map((f) => readFileSync(join(dir, f)));
  });
}

function withTempFile<T>(bytes: Buffer, fn: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'kropla-doc-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, bytes);
    return fn(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Helpers for the document tests: PNG header, pixels, QR module comparison, PDF text. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
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

interface PdfRead {
  text: string;
  info: Record<string, string>;
  fonts: string[];
  images: string[];
}

const reads = new Map<string, PdfRead>();

/**
 * What Mozilla's pdf.js (`pdfjs-dist` from npm) reads from a PDF: text, document info, font names, images.
 * pdf.js is an ES module and these suites run as CommonJS, so it runs in a child process (test/support/pdf-read.mjs);
 * one run per document, remembered.
 */
function readPdf(pdf: Buffer): PdfRead {
  const key = createHash('sha256').update(pdf).digest('hex');
  let r = reads.get(key);
  if (!r) {
    const out = execFileSync(process.execPath, [join(__dirname, '../support/pdf-read.mjs')], { input: pdf, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    r = JSON.parse(out) as PdfRead;
    reads.set(key, r);
  }
  return r;
}

/** Text of a PDF in reading order, every run of white space made one space. */
export function pdfText(pdf: Buffer): string {
  return readPdf(pdf).text.replace(/\s+/g, ' ');
}

/** Document info fields (Title, Author, …) and Pages. */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  return readPdf(pdf).info;
}

/** The fonts the pages use, one a line: `NAME embedded` or `NAME not-embedded` (subsets as `ABCDEF+DejaVuSans`). */
export function pdfFonts(pdf: Buffer): string {
  return readPdf(pdf).fonts.join('\n');
}

/** The images painted on the pages, as PNGs. */
export function pdfImages(pdf: Buffer): Buffer[] {
  return readPdf(pdf).images.map((b) => Buffer.from(b, 'base64'));
}

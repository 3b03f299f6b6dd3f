/**
 * Small shared layer over pdfkit for Kropla's documents: A4, DejaVu Sans embedded (so Polish and
 * Ukrainian letters are right), metadata, the company's colours, and the buffer at the end.
 */
import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { FONT_FILES } from './fonts';

let fontBytes: { regular: Buffer; bold: Buffer } | null = null;

/** The TrueType files, read once per process. */
function fonts(): { regular: Buffer; bold: Buffer } {
  fontBytes ??= { regular: readFileSync(FONT_FILES.regular), bold: readFileSync(FONT_FILES.bold) };
  return fontBytes;
}

/** Font names registered in every document. */
export const PDF_FONT = { regular: 'DejaVuSans', bold: 'DejaVuSans-Bold' } as const;

/** Colours: dark blue of the brand (≥ 7:1 on white), text and muted grey (≥ 4.5:1), hairlines. */
export const PDF_COLOURS = { brand: '#004B87', text: '#111827', muted: '#4B5563', rule: '#9CA3AF', fill: '#EEF4FA' } as const;

export interface PdfMeta {
  title: string;
  subject: string;
  author: string;
  keywords: string;
  /** BCP 47 language of the document, e.g. `pl-PL`. */
  lang: string;
  createdAt?: Date;
}

export interface PdfHandle {
  doc: PDFKit.PDFDocument;
  /** Ends the document and resolves with its bytes. */
  finish(): Promise<Buffer>;
}

/** A4 portrait, 48 pt margins, fonts registered and selected, pages buffered for footers. */
export function createPdf(meta: PdfMeta): PdfHandle {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    bufferPages: true,
    lang: meta.lang,
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: meta.title,
      Subject: meta.subject,
      Author: meta.author,
      Keywords: meta.keywords,
      Creator: 'Kropla',
      CreationDate: meta.createdAt ?? new Date(),
    },
  });
  doc.registerFont(PDF_FONT.regular, fonts().regular);
  doc.registerFont(PDF_FONT.bold, fonts().bold);
  doc.font(PDF_FONT.regular).fillColor(PDF_COLOURS.text);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return {
    doc,
    finish: () => {
      doc.end();
      return done;
    },
  };
}

/** Writes `text` (one line, no wrapping, cut with … when too wide) at an absolute position. */
export function textAt(doc: PDFKit.PDFDocument, text: string, x: number, y: number, opts: { width: number; size?: number; bold?: boolean; colour?: string; align?: 'left' | 'right' | 'center' }): void {
  doc
    .font(opts.bold ? PDF_FONT.bold : PDF_FONT.regular)
    .fontSize(opts.size ?? 10)
    .fillColor(opts.colour ?? PDF_COLOURS.text)
    .text(text, x, y, { width: opts.width, align: opts.align ?? 'left', lineBreak: false, ellipsis: true, height: (opts.size ?? 10) * 1.4 });
}

/** Writes wrapping text in a box and returns the y below it. */
export function paragraph(doc: PDFKit.PDFDocument, text: string, x: number, y: number, opts: { width: number; size?: number; bold?: boolean; colour?: string; align?: 'left' | 'right' | 'center' | 'justify' }): number {
  doc
    .font(opts.bold ? PDF_FONT.bold : PDF_FONT.regular)
    .fontSize(opts.size ?? 10)
    .fillColor(opts.colour ?? PDF_COLOURS.text)
    .text(text, x, y, { width: opts.width, align: opts.align ?? 'left' });
  return doc.y;
}

/** A horizontal hairline. */
export function rule(doc: PDFKit.PDFDocument, x1: number, x2: number, y: number, colour: string = PDF_COLOURS.rule, width = 0.75): void {
  doc.save().moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor(colour).stroke().restore();
}

/** Writes "page/pages" footers on every buffered page (call before finish). */
export function pageNumbers(doc: PDFKit.PDFDocument, label: (page: number, pages: number) => string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    textAt(doc, label(i - range.start + 1, range.count), doc.page.margins.left, doc.page.height - 30, { width: doc.page.width - doc.page.margins.left - doc.page.margins.right, size: 8, colour: PDF_COLOURS.muted, align: 'right' });
    doc.page.margins.bottom = bottom;
  }
}

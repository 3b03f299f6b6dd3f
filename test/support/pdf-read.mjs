// Reads a PDF from stdin with Mozilla's pdf.js (pdfjs-dist, from npm) and prints one JSON object:
// {"text", "info": {Title, Author, …, Pages}, "fonts": ["NAME embedded|not-embedded"], "images": [PNG as base64]}.
// A separate process because pdf.js is an ES module and the Jest suites run as CommonJS.
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { createCanvas } from '@napi-rs/canvas';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const data = new Uint8Array(Buffer.concat(chunks));

const doc = await getDocument({ data, isOffscreenCanvasSupported: false, isImageDecoderSupported: false, useSystemFonts: false, disableFontFace: true, fontExtraProperties: true, verbosity: 0 }).promise;
const meta = await doc.getMetadata();
const info = { ...Object.fromEntries(Object.entries(meta.info ?? {}).filter(([, v]) => typeof v === 'string')), Pages: String(doc.numPages) };

const lines = [];
const fonts = new Set();
const images = [];
const getObj = (objs, id) => new Promise((resolve) => objs.get(id, resolve));

function toPng(img) {
  const { width, height, data: px, kind } = img;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const out = ctx.createImageData(width, height);
  for (let i = 0, j = 0; i < width * height; i++) {
    if (kind === 3) {
      out.data.set(px.subarray(i * 4, i * 4 + 4), i * 4);
    } else if (kind === 2) {
      out.data[i * 4] = px[j]; out.data[i * 4 + 1] = px[j + 1]; out.data[i * 4 + 2] = px[j + 2]; out.data[i * 4 + 3] = 255; j += 3;
    } else {
      const rowBytes = (width + 7) >> 3;
      const x = i % width, y = Math.floor(i / width);
      const bit = (px[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
      const v = bit ? 255 : 0;
      out.data[i * 4] = v; out.data[i * 4 + 1] = v; out.data[i * 4 + 2] = v; out.data[i * 4 + 3] = 255;
    }
  }
  ctx.putImageData(out, 0, 0);
  return canvas.toBuffer('image/png').toString('base64');
}

for (let n = 1; n <= doc.numPages; n++) {
  const page = await doc.getPage(n);
  const content = await page.getTextContent();
  let line = '';
  for (const item of content.items) {
    if (!('str' in item)) continue;
    line += item.str;
    if (item.hasEOL) { lines.push(line); line = ''; }
  }
  if (line) lines.push(line);
  const ops = await page.getOperatorList();
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    if (fn === OPS.setFont) {
      const font = await getObj(page.commonObjs, ops.argsArray[i][0]);
      if (font?.name) fonts.add(`${font.name} ${font.missingFile ? 'not-embedded' : 'embedded'}`);
    } else if (fn === OPS.paintImageXObject) {
      const id = ops.argsArray[i][0];
      const img = await getObj(id.startsWith('g_') ? page.commonObjs : page.objs, id);
      if (img?.data) images.push(toPng(img));
    }
  }
}
// A word broken at a hyphen at the end of a line is joined again ("e-" + "faktura" → "e-faktura").
const text = lines.join('\n').replace(/(\p{L})-\n(?=\p{L})/gu, '$1-');
process.stdout.write(JSON.stringify({ text, info, fonts: [...fonts], images }));
await doc.destroy();

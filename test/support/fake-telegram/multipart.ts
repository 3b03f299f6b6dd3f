/** A small multipart/form-data parser (enough for what Bot API clients such as grammY send). */

export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Splits a multipart body into its parts; throws on a malformed body. */
export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) throw new Error('multipart without boundary');
  const boundary = Buffer.from(`--${(m[1] ?? m[2]).trim()}`);
  const parts: Part[] = [];
  let pos = body.indexOf(boundary);
  if (pos < 0) throw new Error('boundary not found');
  for (;;) {
    pos += boundary.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break; // closing boundary
    if (body.subarray(pos, pos + 2).toString() === '\r\n') pos += 2;
    const headEnd = body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) throw new Error('part without header end');
    const head = body.subarray(pos, headEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), headEnd + 4);
    if (next < 0) throw new Error('part without closing boundary');
    const data = body.subarray(headEnd + 4, next);
    const disp = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(head)?.[1] ?? '';
    const name = /(?:^|;)\s*name=(?:"([^"]*)"|([^;]*))/i.exec(disp);
    const filename = /(?:^|;)\s*filename=(?:"([^"]*)"|([^;]*))/i.exec(disp);
    const ct = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim();
    parts.push({
      name: (name?.[1] ?? name?.[2] ?? '').trim(),
      filename: filename ? (filename[1] ?? filename[2]).trim() : undefined,
      contentType: ct,
      data: Buffer.from(data),
    });
    pos = next + 2;
  }
  return parts;
}

/**
 * A small `multipart/form-data` parser for Direct Line uploads (an `activity` part and `file`
 * parts). Works on a body already read into memory under the upload size limit.
 */

export interface Part {
  /** The form field name (`activity`, `file`). */
  name: string;
  fileName: string | null;
  contentType: string | null;
  data: Buffer;
}

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** The boundary of a `multipart/form-data; boundary=…` content type, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

function headerParam(value: string, param: string): string | null {
  const star = new RegExp(`;\\s*${param}\\*=([^;]+)`, 'i').exec(value);
  if (star) {
    const v = star[1].trim().replace(/^UTF-8''/i, '');
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  }
  const m = new RegExp(`;\\s*${param}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i').exec(value);
  if (!m) return null;
  const raw = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
  // Browsers send UTF-8 bytes in the quoted name; the body was decoded as latin1 to keep bytes.
  return Buffer.from(raw, 'latin1').toString('utf8');
}

/** Splits a multipart body into its parts; throws {@link MultipartError} on a malformed body. */
export function parseMultipart(body: Buffer, boundary: string, maxParts = 20): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError('no multipart boundary in the body');
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString('latin1') === '--') break; // closing delimiter
    if (body.subarray(pos, pos + 2).toString('latin1') !== '\r\n') throw new MultipartError('malformed multipart delimiter');
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new MultipartError('multipart part without headers');
    const headers = new Map<string, string>();
    for (const line of body.subarray(pos, headerEnd).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) throw new MultipartError('multipart body not terminated');
    const disposition = headers.get('content-disposition') ?? '';
    if (!/^form-data\b/i.test(disposition)) throw new MultipartError('multipart part is not form-data');
    const name = headerParam(disposition, 'name');
    if (!name) throw new MultipartError('multipart part without a name');
    parts.push({ name, fileName: headerParam(disposition, 'filename'), contentType: headers.get('content-type')?.split(';')[0].trim().toLowerCase() ?? null, data: body.subarray(headerEnd + 4, next) });
    if (parts.length > maxParts) throw new MultipartError(`more than ${maxParts} parts`);
    pos = next + 2;
  }
  return parts;
}

/**
 * `data:` URLs: how files travel inside activities between the channel-agnostic bot and the
 * channels (charts, QR codes and PDFs out; customers' photos and documents in).
 */

/** A `data:` URL's content type and bytes (RFC 2397; no type means text/plain), or null when it is not one. */
export function parseDataUrl(url: string | undefined): { contentType: string; data: Buffer } | null {
  const m = /^data:([^;,]*)((?:;[^;,=]+=[^;,]*)*)(;base64)?,([\s\S]*)$/i.exec(url ?? '');
  if (!m) return null;
  const data = m[3] ? Buffer.from(m[4], 'base64') : Buffer.from(decodeURIComponent(m[4]), 'utf8');
  return { contentType: (m[1] || 'text/plain').toLowerCase(), data };
}

/** A base64 `data:` URL for bytes. */
export function toDataUrl(contentType: string, data: Buffer): string {
  return `data:${contentType};base64,${data.toString('base64')}`;
}

import type { Server } from 'restify';
import pino from 'pino';
import { createServer } from '../../src/http/server';
import { registerDocumentRoutes } from '../../src/documents/routes';
import { FORM_SLUGS } from '../../src/documents/forms';
import { pdfInfo } from './helpers';

describe('document routes (real HTTP)', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const log = pino({ level: 'silent' });
    server = createServer(log);
    registerDocumentRoutes(server, { log });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('GET /forms lists the catalogue in Polish by default', async () => {
    const res = await fetch(`${base}/forms`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { forms: { slug: string; title: string; url: string; description: string; code: string }[] };
    expect(body.forms.map((f) => f.slug)).toEqual([...FORM_SLUGS]);
    const sub = body.forms.find((f) => f.slug === 'podlicznik');
    expect(sub).toMatchObject({ title: 'Zgłoszenie montażu podlicznika (wodomierza ogrodowego)', url: '/forms/podlicznik.pdf', code: 'KW-03' });
  });

  it('GET /forms?lang=uk answers in Ukrainian', async () => {
    const body = (await (await fetch(`${base}/forms?lang=uk`)).json()) as { forms: { slug: string; title: string }[] };
    expect(body.forms.find((f) => f.slug === 'reklamacja')?.title).toBe('Скарга (рекламація)');
  });

  it('GET /forms/<slug>.pdf serves the PDF with file name and cache headers', async () => {
    const res = await fetch(`${base}/forms/podlicznik.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="podlicznik\.pdf"/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfInfo(body).Title).toBe('Zgłoszenie montażu podlicznika (wodomierza ogrodowego)');
  });

  it('answers 304 to a matching If-None-Match and serves the same bytes again', async () => {
    const first = await fetch(`${base}/forms/reklamacja.pdf`);
    const etag = first.headers.get('etag') as string;
    const bytes = Buffer.from(await first.arrayBuffer());
    const again = await fetch(`${base}/forms/reklamacja.pdf`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    const other = await fetch(`${base}/forms/reklamacja.pdf`, { headers: { 'If-None-Match': '"stale"' } });
    expect(other.status).toBe(200);
    expect(Buffer.from(await other.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('serves a language version on ?lang=en with its own ETag', async () => {
    const pl = await fetch(`${base}/forms/umowa.pdf`);
    const en = await fetch(`${base}/forms/umowa.pdf?lang=en`);
    expect(en.status).toBe(200);
    expect(en.headers.get('content-language')).toBe('en');
    expect(en.headers.get('etag')).not.toBe(pl.headers.get('etag'));
    expect(pdfInfo(Buffer.from(await en.arrayBuffer())).Title).toBe('Application for a water supply and sewage disposal contract');
  });

  it.each(['/forms/nope.pdf', '/forms/podlicznik', '/forms/podlicznik.txt', '/forms/..%2F..%2Fpackage.json', '/forms/PODLICZNIK.pdf'])('%s → 404 JSON', async (path) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { error: string };
    expect(body.error).toBe('not_found');
  });
});

/**
 * HTTP routes for documents anyone may fetch (no personal data):
 * - `GET /forms` → `{"forms": [{slug, code, title, description, url}]}` (`?lang=pl|en|uk`, default pl)
 * - `GET /forms/<slug>.pdf` → the printable form (`?lang=` too); 404 JSON for an unknown slug.
 */
import { createHash } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { App } from '../app';
import { toLocale, type Locale } from '../i18n/i18n';
import { sendError } from '../http/server';
import { FORM_SLUGS, formSummary, listForms, renderFormPdf } from './forms';

/** What the routes need from the app (an `App` fits). */
export type DocumentRoutesHost = Pick<App, 'log'>;

/** Forms change only with a release: let browsers and proxies keep them for a day. */
const CACHE_CONTROL = 'public, max-age=86400';

interface CachedPdf {
  body: Buffer;
  etag: string;
}

function langOf(req: Request): Locale {
  const q = req.query as Record<string, unknown> | undefined;
  const lang = typeof q?.lang === 'string' ? q.lang : undefined;
  return toLocale(lang ?? 'pl');
}

/** Registers `GET /forms` and `GET /forms/:file` (`<slug>.pdf`). */
export function registerDocumentRoutes(server: Server, app: DocumentRoutesHost): void {
  const log = app.log.child({ module: 'documents' });
  const pdfs = new Map<string, Promise<CachedPdf>>();

  const formPdf = (slug: string, locale: Locale): Promise<CachedPdf> => {
    const key = `${slug}:${locale}`;
    let p = pdfs.get(key);
    if (!p) {
      p = renderFormPdf(slug, locale).then((body) => ({ body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }));
      // A failed render is not cached, so the next request tries again.
      p.catch(() => pdfs.delete(key));
      pdfs.set(key, p);
    }
    return p;
  };

  server.get('/forms', async (req: Request, res: Response) => {
    const locale = langOf(req);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.setHeader('Content-Language', locale);
    res.json({ forms: listForms(locale) });
  });

  server.get('/forms/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file ?? '');
    const m = /^([a-z0-9-]{1,60})\.pdf$/.exec(file);
    const slug = m?.[1];
    if (!slug || !FORM_SLUGS.includes(slug)) {
      sendError(res, 404, 'not_found', 'no such form; GET /forms lists them');
      return;
    }
    const locale = langOf(req);
    let pdf: CachedPdf;
    try {
      pdf = await formPdf(slug, locale);
    } catch (e) {
      log.error({ err: e, slug }, 'form PDF render failed');
      sendError(res, 500, 'internal', 'internal error');
      return;
    }
    const title = formSummary(slug, locale)?.title ?? slug;
    const headers = {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${slug}.pdf"; filename*=UTF-8''${encodeURIComponent(`${slug}.pdf`)}`,
      'Cache-Control': CACHE_CONTROL,
      ETag: pdf.etag,
      'Content-Language': locale,
      // RFC 8187-encoded title for clients that show it; plain ASCII header value.
      'X-Document-Title': encodeURIComponent(title),
    };
    if (req.header('if-none-match') === pdf.etag) {
      res.writeHead(304, { 'Cache-Control': CACHE_CONTROL, ETag: pdf.etag });
      res.end();
      return;
    }
    log.debug({ slug, locale }, 'form PDF served');
    res.sendRaw(200, pdf.body, { ...headers, 'Content-Length': String(pdf.body.length) });
  });
}

/**
 * The web chat pages: `GET /` (the utility's demo page with the widget), `GET /webchat.js` (the
 * one-line embed), the widget's styles, and Microsoft's Web Chat bundle from node_modules at
 * `/vendor/webchat.js` (no CDN). Pages get a strict CSP with a per-request nonce.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Request, Response, Server } from 'restify';
import type { App } from '../../app';
import { LOCALES, t, toLocale, type Locale } from '../../i18n/i18n';
import { baseUrl } from './http';

const gzipAsync = promisify(gzip);

/** The repository root (works from `src/` under ts-jest and from `dist/src/`). */
function rootDir(): string {
  for (const rel of ['../../..', '../../../..']) {
    const dir = join(__dirname, rel);
    if (existsSync(join(dir, 'public', 'embed.js'))) return dir;
  }
  throw new Error('public/ folder not found');
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/**
 * SHA-256 of the empty string: react-scroll-to-bottom (inside Web Chat) creates an empty `<style>`
 * without the nonce and fills it through the CSSOM; allowing exactly an empty element lets it work
 * without `'unsafe-inline'` (no CSS text can ride on it).
 */
const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

/** The Content-Security-Policy of a page that runs Web Chat. */
export function pageCsp(nonce: string, wsOrigin: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}' ${EMPTY_STYLE_HASH}`,
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' blob: ${wsOrigin}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

function securityHeaders(req: Request, res: Response, app: App, nonce: string): void {
  const base = baseUrl(req, app);
  res.setHeader('Content-Security-Policy', pageCsp(nonce, base.replace(/^http/, 'ws')));
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (base.startsWith('https:')) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}

function texts(locale: Locale): Record<string, string> {
  const keys = ['open', 'openLabel', 'title', 'subtitle', 'close', 'loading', 'error', 'retry', 'locale'];
  return Object.fromEntries(keys.map((k) => [k, t(locale, `webchat.widget.${k}`)]));
}

function demoPage(locale: Locale, nonce: string, version: string): string {
  const p = (k: string) => escapeHtml(t(locale, `webchat.page.${k}`));
  const langs = LOCALES.map((l) => `<a href="/?lang=${l}" lang="${l}" hreflang="${l}"${l === locale ? ' aria-current="page"' : ''}>${l.toUpperCase()}</a>`).join(' ');
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p('title')}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/site.css?v=${version}">
</head>
<body>
<a class="skip" href="#main">${p('skip')}</a>
<header class="site-header">
  <div class="site-header__inner">
    <a class="brand" href="/"><img src="/favicon.svg" alt="" width="32" height="32">${p('company')}</a>
    <nav class="site-nav" aria-label="${p('nav.label')}">
      <ul>
        <li><a href="#customers">${p('nav.customers')}</a></li>
        <li><a href="#emergency">${p('nav.outages')}</a></li>
        <li><a href="https://ibok.wodociagi.katowice.pl/">${p('nav.ibok')}</a></li>
        <li><a href="#contact">${p('nav.contact')}</a></li>
      </ul>
    </nav>
    <p class="langs"><span>${p('language')}:</span> ${langs}</p>
  </div>
</header>
<main id="main" class="site-main">
  <section class="hero" id="customers">
    <h1>${p('heading')}</h1>
    <p>${p('lead')}</p>
  </section>
  <div class="cards">
    <section class="card">
      <h2>${p('assistantTitle')}</h2>
      <p>${p('assistantText')}</p>
    </section>
    <section class="card card--alert" id="emergency">
      <h2>${p('emergencyTitle')}</h2>
      <p class="phone"><a href="tel:994">994</a></p>
      <p>${p('emergencyText')}</p>
    </section>
    <section class="card" id="contact">
      <h2>${p('officeTitle')}</h2>
      <p>${p('officeAddress')}<br>${p('officePhone')}<br>${p('officeMail')}</p>
    </section>
  </div>
</main>
<footer class="site-footer"><div class="site-footer__inner"><p>${p('footer')}</p></div></footer>
<script src="/webchat.js?v=${version}" nonce="${nonce}" data-lang="${locale}" defer></script>
</body>
</html>
`;
}

export function registerPageRoutes(server: Server, app: App): void {
  const root = rootDir();
  const webchatPkg = join(root, 'node_modules', 'botframework-webchat');
  const version = (JSON.parse(readFileSync(join(webchatPkg, 'package.json'), 'utf8')) as { version: string }).version;
  const vendorPath = `/vendor/webchat.js?v=${version}`;
  const catalog = Object.fromEntries(LOCALES.map((l) => [l, texts(l)]));
  const embed = readFileSync(join(root, 'public', 'embed.js'), 'utf8')
    .replace('/*__KROPLA_TEXTS__*/ {}', JSON.stringify(catalog))
    .replace("/*__KROPLA_VENDOR__*/ '/vendor/webchat.js'", JSON.stringify(vendorPath));
  const files: Record<string, { type: string; body: Buffer }> = {
    '/webchat.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(root, 'public', 'webchat.css')) },
    '/site.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(root, 'public', 'site.css')) },
    '/favicon.svg': { type: 'image/svg+xml', body: readFileSync(join(root, 'public', 'favicon.svg')) },
  };
  let vendor: { raw: Buffer; gz: Promise<Buffer> } | null = null;

  server.get('/', async (req: Request, res: Response) => {
    const q = (req.query ?? {}) as Record<string, string | undefined>;
    const locale = q.lang ? toLocale(q.lang) : toLocale(req.header('accept-language'));
    const nonce = randomBytes(16).toString('base64');
    securityHeaders(req, res, app, nonce);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Language', locale);
    res.writeHead(200);
    res.end(demoPage(locale, nonce, version));
    // the widget on this page asks for Web Chat soon: have it compressed (off the main thread) by then
    loadVendor();
  });

  server.get('/webchat.js', async (_req: Request, res: Response) => {
    loadVendor();
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.writeHead(200);
    res.end(embed);
  });

  for (const [path, f] of Object.entries(files)) {
    server.get(path, async (_req: Request, res: Response) => {
      res.setHeader('Content-Type', f.type);
      res.setHeader('Cache-Control', 'public, max-age=3600');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      res.writeHead(200);
      res.end(f.body);
    });
  }

  const loadVendor = () => {
    if (!vendor) {
      const raw = readFileSync(join(webchatPkg, 'dist', 'webchat.js'));
      vendor = { raw, gz: gzipAsync(raw, { level: 6 }) };
      vendor.gz.catch(() => undefined);
    }
    return vendor;
  };

  server.get('/vendor/webchat.js', async (req: Request, res: Response) => {
    vendor = loadVendor();
    const gz = /\bgzip\b/.test(req.header('accept-encoding') ?? '');
    const body = gz ? await vendor.gz : vendor.raw;
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('ETag', `"webchat-${version}${gz ? '-gz' : ''}"`);
    if (gz) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', String(body.length));
    res.writeHead(200);
    res.end(body);
  });
}

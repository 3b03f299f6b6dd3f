/**
 * The desk page `/staff` and its static files (HTML, style, the teams-js and Chart.js bundles), with a CSP that
 * lets only Microsoft Teams frame it. Texts come from `locales/pl/desk.json` through `GET /api/staff/i18n`.
 * The script is the desk's TypeScript modules (`desk/`), compiled by the build into `dist/public/desk/` and
 * served as native ES modules at `/staff/desk/…` (same origin: `script-src 'self'`, no bundler).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';

/** Who may embed the desk: Teams (classic and new) and the Microsoft 365 hosts, nothing else. */
export const FRAME_ANCESTORS = 'https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft';

export const DESK_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  // teams-js (in the Teams tab only) fetches its list of valid host domains from Microsoft's CDN.
  "connect-src 'self' https://res.cdn.office.net",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  `frame-ancestors ${FRAME_ANCESTORS}`,
].join('; ');

function findUp(rel: string, probe: string): string {
  for (const up of ['..', '../..', '../../..']) {
    const dir = join(__dirname, up, rel);
    if (existsSync(join(dir, probe))) return dir;
  }
  throw new Error(`${rel} not found`);
}

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', png: 'image/png' };

/** Flattens `{desk: {a: {b: "x"}}}` to `{"desk.a.b": "x"}`. */
function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
  }
  return out;
}

export function registerDesk(server: Server): void {
  const publicDir = findUp('public/staff', 'index.html');
  const localesDir = findUp('locales', 'pl');
  const teamsJs = join(findUp('node_modules/@microsoft/teams-js/dist/umd', 'MicrosoftTeams.min.js'), 'MicrosoftTeams.min.js');
  const chartJs = join(findUp('node_modules/chart.js/dist', 'chart.umd.min.js'), 'chart.umd.min.js');
  // Built by `npm run build` (tsc -p desk/tsconfig.json); looked up lazily so that the API still starts without it.
  const deskDir = () => findUp('dist/public/desk', 'main.js');
  const cache = new Map<string, Buffer>();
  const load = (file: string) => {
    let b = cache.get(file);
    if (!b) {
      b = readFileSync(file);
      if (process.env.NODE_ENV === 'production') cache.set(file, b);
    }
    return b;
  };

  const notFound = (res: Response) => {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found');
  };

  const send = (res: Response, file: string, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache', 'Content-Security-Policy': DESK_CSP, ...extra });
    res.end(load(file));
  };

  server.get('/staff', async (_req: Request, res: Response) => send(res, join(publicDir, 'index.html'), TYPES.html));
  server.get('/staff/vendor/MicrosoftTeams.min.js', async (_req: Request, res: Response) => send(res, teamsJs, TYPES.js, { 'Cache-Control': 'public, max-age=86400' }));
  server.get('/staff/vendor/chart.umd.min.js', async (_req: Request, res: Response) => send(res, chartJs, TYPES.js, { 'Cache-Control': 'public, max-age=86400' }));
  // The desk's modules: `main.js`, `api/client.js`, `views/queue.js`, … (one folder level, nothing else).
  server.get('/staff/desk/*', async (req: Request, res: Response) => {
    const rel = String(req.params['*'] ?? '');
    let path = '';
    if (/^(?:[a-z]+\/)?[a-z0-9-]+\.js$/.test(rel)) {
      try {
        path = join(deskDir(), rel);
      } catch {
        path = '';
      }
    }
    if (!path || !existsSync(path)) {
      notFound(res);
      return;
    }
    send(res, path, TYPES.js);
  });
  server.get('/staff/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file ?? '');
    const m = /^[a-z0-9-]+\.(js|css|svg|png)$/.exec(file);
    const path = m ? join(publicDir, file) : '';
    if (!m || !existsSync(path)) {
      notFound(res);
      return;
    }
    send(res, path, TYPES[m[1]]);
  });
  server.get('/api/staff/i18n', async (_req: Request, res: Response) => {
    const all = JSON.parse(load(join(localesDir, 'pl', 'desk.json')).toString('utf8')) as Record<string, unknown>;
    res.header('Cache-Control', 'no-cache');
    res.json({ locale: 'pl', texts: flatten(all) });
  });
}

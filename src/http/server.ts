/**
 * The one restify server: web chat, Direct Line, webhooks, staff desk, admin API.
 * No global body parser: grammY's webhook route reads the raw request itself,
 * so JSON routes take {@link jsonBody} explicitly.
 */
import restify, { type Request, type Response, type Server } from 'restify';
import type { Logger } from 'pino';

/** Deepest nesting of objects and arrays a JSON body may have (the import needs 6). */
export const MAX_JSON_DEPTH = 32;

/**
 * Finds what a parsed body may not carry: nesting deeper than `MAX_JSON_DEPTH`, or a NUL character in a
 * string or key (PostgreSQL text cannot hold it). Iterative, so a 100,000-level body costs no stack.
 * `strip` removes NULs from strings instead of refusing them (chat text); returns the offending field path or null.
 */
export function checkJson(body: unknown, nul: 'reject' | 'strip' = 'reject'): { field: string; problem: 'depth' | 'nul' } | null {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: body, path: '', depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { field: path || '(body)', problem: 'depth' };
    const obj = v as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const at = Array.isArray(v) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return { field: at.replace(/\u0000/g, ''), problem: 'nul' };
      const child = obj[key];
      if (typeof child === 'string' && child.includes('\u0000')) {
        if (nul === 'reject') return { field: at, problem: 'nul' };
        obj[key] = child.replace(/\u0000/g, '');
      } else if (child !== null && typeof child === 'object') stack.push({ v: child, path: at, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * JSON body parser for one route (restify's bodyParser without mapping into params), then {@link checkJson}:
 * too deep or a NUL → 400 naming the field.
 */
export function jsonBody(maxBodySize = 1024 * 1024, opts: { nul?: 'reject' | 'strip' } = {}) {
  const guard = (req: Request, res: Response, next: restify.Next) => {
    const bad = checkJson(req.body, opts.nul ?? 'reject');
    if (!bad) return next();
    sendError(res, 400, 'invalid', bad.problem === 'depth' ? `nested deeper than ${MAX_JSON_DEPTH} levels` : 'must not contain the NUL character (\\u0000)', bad.field);
    return next(false);
  };
  return [...restify.plugins.bodyParser({ maxBodySize, mapParams: false, mapFiles: false, overrideParams: false, rejectUnknown: true }), guard];
}

/** Sends a JSON error `{error, field?, message}`. */
export function sendError(res: Response, status: number, error: string, message: string, field?: string): void {
  res.status(status);
  res.json(field ? { error, field, message } : { error, message });
}

export function createServer(log: Logger): Server {
  const server = restify.createServer({ name: 'kropla', handleUncaughtExceptions: false, ignoreTrailingSlash: true });
  server.pre((req: Request, res: Response, next: restify.Next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    return next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number; toJSON?: () => object }, cb: () => void) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) log.error({ err, url: req.getPath?.() }, 'request failed');
    // restify's body parser rejects bad JSON as 400 InvalidContent: keep its status, explain in JSON.
    err.toJSON = () => ({ error: err.name || 'Error', message: status >= 500 ? 'internal error' : err.message, field: status === 400 ? '(body)' : undefined });
    return cb();
  });
  return server;
}

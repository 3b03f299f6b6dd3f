/**
 * The one restify server: web chat, Direct Line, webhooks, staff desk, admin API.
 * No global body parser: grammY's webhook route reads the raw request itself,
 * so JSON routes take {@link jsonBody} explicitly.
 */
import restify, { type Request, type Response, type Server } from 'restify';
import type { Logger } from 'pino';

/** JSON body parser for one route (restify's bodyParser without mapping into params). */
export function jsonBody(maxBodySize = 1024 * 1024) {
  return restify.plugins.bodyParser({ maxBodySize, mapParams: false, mapFiles: false, overrideParams: false, rejectUnknown: true });
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

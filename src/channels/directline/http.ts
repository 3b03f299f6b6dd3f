/** HTTP helpers of the web chat routes: client address, base URLs, CORS, bearer scope. */
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'restify';
import type { App } from '../../app';
import { sendError } from '../../http/server';
import { bearer, TokenError, type TokenClaims, type DirectLineTokens } from './tokens';

const HOST_RE = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** `http(s)://host[:port]` as the client addressed us (X-Forwarded-Proto honoured), for links back to us. */
export function baseUrl(req: IncomingMessage, app: App): string {
  const host = req.headers.host;
  if (!host || !HOST_RE.test(host)) return app.config.publicUrl;
  const fwd = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim();
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  const proto = fwd === 'https' || fwd === 'http' ? fwd : tls ? 'https' : 'http';
  return `${proto}://${host}`;
}

/** Whether a browser on `Origin` may call us: same origin, the public URL, or a configured origin. */
export function originAllowed(req: IncomingMessage, app: App): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser cross-origin call (or same-origin GET)
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host === req.headers.host) return true;
  if (origin === new URL(app.config.publicUrl).origin) return true;
  return app.config.webchat.allowedOrigins.some((o) => new URL(o).origin === origin);
}

const ALLOWED_HEADERS = 'Authorization, Content-Type, x-ms-bot-agent, x-ms-conversation-id, x-requested-with';

/** Sets the CORS answer for an allowed origin; false (and 403 sent) for a refused one. */
export function cors(req: Request, res: Response, app: App): boolean {
  const origin = req.headers.origin;
  if (!originAllowed(req, app)) {
    sendError(res, 403, 'origin_refused', 'this origin may not use the web chat');
    return false;
  }
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Max-Age', '600');
  }
  return true;
}

/** Checks the bearer token and, when given, that it opens `conversationId`; sends 401/403 and returns null otherwise. */
export function authorize(req: Request, res: Response, tokens: DirectLineTokens, conversationId?: string): TokenClaims | null {
  let claims: TokenClaims;
  try {
    claims = tokens.verify(bearer(req.header('authorization')), 'dl');
  } catch (e) {
    const reason = e instanceof TokenError ? e.reason : 'malformed';
    if (reason === 'missing') sendError(res, 401, 'unauthorized', 'Authorization: Bearer <token> required');
    else sendError(res, 403, reason === 'expired' ? 'token_expired' : 'token_invalid', reason === 'expired' ? 'the token has expired; ask for a new one' : 'the token is not valid');
    return null;
  }
  if (conversationId !== undefined && claims.conv !== conversationId) {
    sendError(res, 403, 'forbidden', 'the token does not open this conversation');
    return null;
  }
  res.setHeader('Cache-Control', 'no-store');
  return claims;
}

/**
 * The client's address for rate limits: the socket's peer, or with `trustProxy` hops of reverse
 * proxies in front (`TRUST_PROXY`), the address the outermost trusted proxy saw in `X-Forwarded-For`
 * (entries a client wrote itself further left are ignored).
 */
export function clientAddress(req: IncomingMessage, trustProxy = 0): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustProxy <= 0) return peer;
  const raw = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
  if (hops.length === 0) return peer;
  return hops[Math.max(0, hops.length - trustProxy)];
}

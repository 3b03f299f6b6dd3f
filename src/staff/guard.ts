/**
 * What every Staff API route shares: the session cookie (401), the CSRF header on changes (403),
 * the role (403), and errors as JSON (400 naming the field, HttpError, 500 logged).
 */
import type { Request, Response } from 'restify';
import type { Logger } from 'pino';
import type { StaffRole } from '../../models/StaffUser';
import { sendError } from '../http/server';
import { ValidationError } from '../services/validation';
import { sameToken, type SessionInfo, type StaffAuth } from './StaffAuth';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const COOKIE = 'kropla_staff';
export const COOKIE_SECURE = '__Host-kropla_staff';

/** The session cookie's name: `__Host-` prefixed when the desk is served over https. */
export function sessionCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https:') ? COOKIE_SECURE : COOKIE;
}

export function cookies(req: Request): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  return out;
}

export interface GuardDeps {
  auth: StaffAuth;
  log: Logger;
  cookieName: string;
  /** Maps an error of the area to a response; return false to fall through to the common handling. */
  mapError?: (res: Response, e: unknown) => boolean;
}

export type GuardedHandler = (req: Request, res: Response, ctx: SessionInfo) => Promise<void>;

/** Wraps a handler: session (401), CSRF on changes (403), role (403), errors → JSON. */
export function staffRoute(deps: GuardDeps, opts: { write?: boolean; roles?: StaffRole[] }, handler: GuardedHandler) {
  return async (req: Request, res: Response): Promise<void> => {
    res.header('Cache-Control', 'no-store');
    try {
      const info = await deps.auth.session(cookies(req).get(deps.cookieName));
      if (!info) throw new HttpError(401, 'unauthorized', 'please sign in');
      if (opts.write) {
        const given = req.header('x-csrf-token') ?? '';
        if (!given || !sameToken(given, info.session.csrfToken)) throw new HttpError(403, 'csrf', 'missing or wrong X-CSRF-Token');
      }
      if (opts.roles && !opts.roles.includes(info.staff.role)) throw new HttpError(403, 'forbidden', 'your role may not do this');
      await handler(req, res, info);
    } catch (e) {
      failWith(deps, req, res, e);
    }
  };
}

/** The common error answer of the staff routes. */
export function failWith(deps: Pick<GuardDeps, 'log' | 'mapError'>, req: Request, res: Response, e: unknown): void {
  if (res.headersSent) return;
  if (deps.mapError?.(res, e)) return;
  if (e instanceof ValidationError) sendError(res, 400, 'invalid', e.detail, e.field);
  else if (e instanceof HttpError) sendError(res, e.status, e.code, e.message, e.field);
  else {
    deps.log.error({ err: e, route: req.getRoute()?.path }, 'staff call failed');
    sendError(res, 500, 'internal', 'internal error');
  }
}

/**
 * The Staff API over fetch: JSON in and out, the session cookie (same origin), `X-CSRF-Token` on every change,
 * errors as `ApiError` (status, code, field). A 401 outside the sign-in itself calls `onUnauthorized`
 * (the desk then shows the login form). Modelled on Chatwoot's `dashboard/api/` split: one transport, typed endpoints.
 */
import type { ApiErrorBody } from '../../src/staff/dto.js';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message || String(status));
    this.name = 'ApiError';
    this.status = status;
    this.code = body.error || '';
    this.field = body.field;
  }
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Prefix of every path ('' in the browser: same origin). */
  baseUrl?: string;
  fetch?: FetchLike;
  /** Called on a 401 from any call but the sign-in. */
  onUnauthorized?: () => void;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export class HttpClient {
  /** The session's CSRF token (from sign-in or `/me`); sent on every change. */
  csrf: string | null = null;
  private readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly onUnauthorized: () => void;

  constructor(opts: ClientOptions = {}) {
    this.baseUrl = opts.baseUrl ?? '';
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
    this.onUnauthorized = opts.onUnauthorized ?? (() => undefined);
  }

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && this.csrf) headers['X-CSRF-Token'] = this.csrf;
    const res = await this.fetchFn(this.baseUrl + path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 204) return {} as T;
    const data = (await res.json().catch(() => ({}))) as unknown;
    if (res.status === 401 && path !== '/api/staff/login') {
      this.onUnauthorized();
      throw new ApiError(401, data as ApiErrorBody);
    }
    if (!res.ok) throw new ApiError(res.status, (data ?? {}) as ApiErrorBody);
    return data as T;
  }
}

/** `?a=1&b=2` from the defined, non-empty values (or '' when none). */
export function query(params: Record<string, string | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

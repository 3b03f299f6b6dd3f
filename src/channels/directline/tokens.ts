/**
 * Stateless Direct Line tokens: HS256 JWTs signed with `config.webchat.tokenSecret`, each scoped
 * to exactly one conversation (`conv`) and one user (`user`, the claim Web Chat reads its user id
 * from). `kind` separates the bearer token of the REST calls from the short-lived stream token
 * embedded in a `streamUrl`.
 *
 * @example
 * const tokens = new DirectLineTokens(secret, 3600);
 * const { token } = tokens.issue({ conv: 'kw-abc', user: 'dl_xyz' });
 * tokens.verify(token, 'dl'); // → { conv: 'kw-abc', user: 'dl_xyz', kind: 'dl', exp: … }
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'dl' | 'stream';

export interface TokenClaims {
  /** The one conversation this token opens. */
  conv: string;
  /** The user id bound to the conversation (Web Chat takes it from here). */
  user: string;
  kind: TokenKind;
  /** Expiry, seconds since the epoch. */
  exp: number;
  iat: number;
}

/** Why a token was refused: `missing` → 401, the rest → 403. */
export class TokenError extends Error {
  constructor(readonly reason: 'missing' | 'malformed' | 'signature' | 'expired' | 'kind') {
    super(`token ${reason}`);
    this.name = 'TokenError';
  }
}

const b64 = (buf: Buffer | string): string => Buffer.from(buf).toString('base64url');
const HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/** New random conversation id (`kw-` + 22 url-safe characters). */
export function newConversationId(): string {
  return `kw-${randomBytes(16).toString('base64url')}`;
}

/** New random user id for a web chat visitor (`dl_` prefix, as Direct Line does). */
export function newUserId(): string {
  return `dl_${randomBytes(12).toString('base64url')}`;
}

export class DirectLineTokens {
  constructor(
    private readonly secret: string,
    /** Lifetime of REST tokens, seconds. */
    readonly ttlSeconds: number,
    /** Lifetime of stream tokens, seconds (they only open the WebSocket). */
    readonly streamTtlSeconds = 120,
    private readonly now: () => number = () => Date.now(),
  ) {
    if (secret.length < 16) throw new Error('Direct Line token secret too short');
  }

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
  }

  /** A signed token for the conversation and user; `expires_in` in seconds. */
  issue(scope: { conv: string; user: string }, kind: TokenKind = 'dl'): { token: string; expires_in: number } {
    const iat = Math.floor(this.now() / 1000);
    const ttl = kind === 'stream' ? this.streamTtlSeconds : this.ttlSeconds;
    const claims: TokenClaims = { conv: scope.conv, user: scope.user, kind, iat, exp: iat + ttl };
    const body = `${HEADER}.${b64(JSON.stringify(claims))}`;
    return { token: `${body}.${this.sign(body)}`, expires_in: ttl };
  }

  /** The claims of a valid, unexpired token of the given kind; throws {@link TokenError} otherwise. */
  verify(token: string | undefined | null, kind: TokenKind): TokenClaims {
    if (!token) throw new TokenError('missing');
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) throw new TokenError('malformed');
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenError('signature');
    let claims: Partial<TokenClaims>;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Partial<TokenClaims>;
    } catch {
      throw new TokenError('malformed');
    }
    if (typeof claims.conv !== 'string' || typeof claims.user !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') throw new TokenError('malformed');
    if (claims.kind !== kind) throw new TokenError('kind');
    if (claims.exp * 1000 <= this.now()) throw new TokenError('expired');
    return claims as TokenClaims;
  }
}

/** The bearer token of an `Authorization: Bearer …` header, or null. */
export function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}

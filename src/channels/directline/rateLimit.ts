import type { Sql } from '../../db/sql';

/**
 * In-memory sliding-window rate limiter (per instance): at most `limit` hits per key in any
 * `windowMs`. Counts two fixed windows weighted by overlap, so memory is two numbers a key.
 *
 * @example
 * const perIp = new RateLimiter(120, 60_000);
 * const r = perIp.hit(ip); if (!r.ok) res.header('Retry-After', r.retryAfterSeconds);
 */
export type RateResult = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Slot {
  window: number;
  current: number;
  previous: number;
}

export class RateLimiter {
  private readonly slots = new Map<string, Slot>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = () => Date.now(),
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one hit for `key`; refused hits are not counted. */
  hit(key: string): RateResult {
    const now = this.now();
    const window = Math.floor(now / this.windowMs);
    let slot = this.slots.get(key);
    if (!slot) {
      if (this.slots.size >= this.maxKeys) this.sweep(window);
      slot = { window, current: 0, previous: 0 };
      this.slots.set(key, slot);
    } else if (slot.window !== window) {
      slot.previous = slot.window === window - 1 ? slot.current : 0;
      slot.current = 0;
      slot.window = window;
    }
    const elapsed = (now % this.windowMs) / this.windowMs;
    const estimate = slot.previous * (1 - elapsed) + slot.current;
    if (estimate + 1 > this.limit) {
      const retryMs = slot.current + 1 > this.limit ? this.windowMs - (now % this.windowMs) : Math.max(1, Math.ceil(this.windowMs / Math.max(1, slot.previous)));
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)) };
    }
    slot.current++;
    return { ok: true };
  }

  private sweep(window: number): void {
    for (const [k, s] of this.slots) if (s.window < window - 1) this.slots.delete(k);
    if (this.slots.size >= this.maxKeys) this.slots.clear();
  }
}

/** A rate limit as the routes use it: in memory on one instance, in the database when shared. */
export interface HitCounter {
  readonly limit: number;
  hit(key: string): Promise<RateResult>;
}

/** The in-memory limiter behind the {@link HitCounter} interface (one instance: SQLite). */
export class LocalRateLimit implements HitCounter {
  private readonly inner: RateLimiter;
  constructor(
    readonly limit: number,
    windowMs: number,
    now?: () => number,
  ) {
    this.inner = new RateLimiter(limit, windowMs, now);
  }

  async hit(key: string): Promise<RateResult> {
    return this.inner.hit(key);
  }
}

const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * A sliding-window rate limit kept in the database (`rate_counter`), so that every instance on one
 * PostgreSQL counts against the same total (contracts §11: rate limits are shared). One atomic
 * upsert a hit (PostgreSQL locks the row, so two instances never lose a count); a refused hit is
 * given back, as in memory. Keys are `<name>:<subject>`; old rows are swept now and then.
 *
 * @example
 * const perConversation = new SharedRateLimit(sqlOf(ds), 'dl-msg', 30, 60_000);
 * const r = await perConversation.hit(conversationId);
 */
export class SharedRateLimit implements HitCounter {
  private lastSweep = 0;

  constructor(
    private readonly sql: Sql,
    private readonly name: string,
    readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async hit(subject: string): Promise<RateResult> {
    const now = this.now();
    const window = Math.floor(now / this.windowMs);
    const key = `${this.name}:${subject}`;
    const row = await this.sql.one<{ hits: number | string; previous: number | string }>(
      `INSERT INTO rate_counter ("key", "windowNo", "hits", "previous") VALUES ($1, $2, 1, 0)
       ON CONFLICT ("key") DO UPDATE SET
         "previous" = CASE WHEN rate_counter."windowNo" = $2 THEN rate_counter."previous" WHEN rate_counter."windowNo" = $3 THEN rate_counter."hits" ELSE 0 END,
         "hits" = CASE WHEN rate_counter."windowNo" = $2 THEN rate_counter."hits" + 1 ELSE 1 END,
         "windowNo" = $2
       RETURNING "hits", "previous"`,
      [key, window, window - 1],
    );
    if (now - this.lastSweep > SWEEP_EVERY_MS) {
      this.lastSweep = now;
      void this.sql.run(`DELETE FROM rate_counter WHERE "key" LIKE $1 AND "windowNo" < $2`, [`${this.name}:%`, window - 1]).catch(() => undefined);
    }
    const hits = Number(row?.hits ?? 1);
    const previous = Number(row?.previous ?? 0);
    const elapsed = (now % this.windowMs) / this.windowMs;
    if (previous * (1 - elapsed) + hits <= this.limit) return { ok: true };
    await this.sql.run(`UPDATE rate_counter SET "hits" = "hits" - 1 WHERE "key" = $1 AND "windowNo" = $2 AND "hits" > 0`, [key, window]);
    const retryMs = hits > this.limit ? this.windowMs - (now % this.windowMs) : Math.max(1, Math.ceil(this.windowMs / Math.max(1, previous)));
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)) };
  }
}

/** The limit `name`: shared in the database when several instances may run (PostgreSQL), else in memory. */
export function rateLimit(sql: Sql, shared: boolean, name: string, limit: number, windowMs: number): HitCounter {
  return shared ? new SharedRateLimit(sql, name, limit, windowMs) : new LocalRateLimit(limit, windowMs);
}

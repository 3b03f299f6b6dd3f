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

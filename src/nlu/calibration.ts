/**
 * Score calibration: an isotonic (monotone, pool-adjacent-violators) map from the raw top score
 * to the share of right answers, fitted at build time on predictions for messages the model
 * did not train on (out-of-fold cross-validation plus the development sets). Monotone, so it
 * never changes which intent wins — only how sure the score says we are.
 */
export class Calibration {
  constructor(readonly knots: [number, number][] = []) {}

  /** Fits the map on (raw score, was it right) pairs; `maxKnots` keeps the model small. */
  static fit(points: { score: number; ok: boolean }[], maxKnots = 40): Calibration {
    if (points.length < 20) return new Calibration();
    const sorted = [...points].sort((a, b) => a.score - b.score);
    // PAV: blocks of (sum of ok, count, mean score), merged while means decrease
    const blocks: { ok: number; n: number; s: number }[] = [];
    for (const p of sorted) {
      blocks.push({ ok: p.ok ? 1 : 0, n: 1, s: p.score });
      while (blocks.length > 1) {
        const b = blocks[blocks.length - 1];
        const a = blocks[blocks.length - 2];
        if (a.ok / a.n < b.ok / b.n) break; // ties pool too, so runs of right answers form one block
        blocks.splice(blocks.length - 2, 2, { ok: a.ok + b.ok, n: a.n + b.n, s: a.s + b.s });
      }
    }
    // knots at each block's mean raw score; one extra wrong answer per block keeps small blocks
    // from claiming certainty (a pessimistic prior: the sets customers write are harder than ours)
    let knots: [number, number][] = blocks.map((b) => [b.s / b.n, b.ok / (b.n + 1)]);
    // the prior can reorder neighbouring small blocks: keep the map monotone
    for (let i = 1; i < knots.length; i++) knots[i][1] = Math.max(knots[i][1], knots[i - 1][1]);
    while (knots.length > maxKnots) {
      const merged: [number, number][] = [];
      for (let i = 0; i < knots.length; i += 2) {
        const a = knots[i];
        const b = knots[i + 1];
        merged.push(b ? [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] : a);
      }
      knots = merged;
    }
    return new Calibration(knots.map(([x, y]) => [Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4]));
  }

  /** The calibrated score of a raw top score (identity when there is no map). */
  apply(raw: number): number {
    const k = this.knots;
    if (k.length === 0) return raw;
    if (raw <= k[0][0]) return k[0][1];
    if (raw >= k[k.length - 1][0]) return k[k.length - 1][1];
    let lo = 0;
    let hi = k.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (k[mid][0] <= raw) lo = mid;
      else hi = mid;
    }
    const [x0, y0] = k[lo];
    const [x1, y1] = k[hi];
    return x1 > x0 ? y0 + ((raw - x0) / (x1 - x0)) * (y1 - y0) : y0;
  }
}

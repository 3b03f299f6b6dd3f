/** Scoring helpers shared by the eval CLI, the cross-validation CLI and the accuracy test. */
import type { Recognizer } from './types';

export interface Prediction {
  text: string;
  expected: string;
  got: string;
  score: number;
  tags?: string[];
}

export interface ReliabilityRow {
  from: number;
  to: number;
  n: number;
  accuracy: number;
}

export interface EvalReport {
  n: number;
  accuracy: number;
  noneRecall: number;
  nonePrecision: number;
  perIntent: { intent: string; precision: number; recall: number; f1: number; support: number }[];
  confusions: { expected: string; got: string; count: number; examples: string[] }[];
  /** accuracy by score band, and of everything at or above 0.8 */
  reliability: ReliabilityRow[];
  atLeast08: { n: number; accuracy: number };
  perTag: { tag: string; n: number; accuracy: number }[];
}

export const RELIABILITY_BANDS = [0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001];

export function summarize(preds: Prediction[]): EvalReport {
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const conf = new Map<string, { count: number; examples: string[] }>();
  const tags = new Map<string, { n: number; ok: number }>();
  let ok = 0;
  let none = 0;
  let noneOk = 0;
  let gotNone = 0;
  const inc = (m: Map<string, number>, k: string): void => {
    m.set(k, (m.get(k) ?? 0) + 1);
  };
  for (const p of preds) {
    if (p.expected === 'None') {
      none++;
      if (p.got === 'None') noneOk++;
    }
    if (p.got === 'None') gotNone++;
    for (const t of p.tags ?? []) {
      const r = tags.get(t) ?? { n: 0, ok: 0 };
      r.n++;
      if (p.got === p.expected) r.ok++;
      tags.set(t, r);
    }
    if (p.got === p.expected) {
      ok++;
      inc(tp, p.got);
    } else {
      inc(fp, p.got);
      inc(fn, p.expected);
      const key = `${p.expected} → ${p.got}`;
      const c = conf.get(key) ?? { count: 0, examples: [] };
      c.count++;
      if (c.examples.length < 3) c.examples.push(p.text);
      conf.set(key, c);
    }
  }
  const intents = [...new Set(preds.map((i) => i.expected))].sort();
  const perIntent = intents.map((intent) => {
    const t = tp.get(intent) ?? 0;
    const precision = t + (fp.get(intent) ?? 0) ? t / (t + (fp.get(intent) ?? 0)) : 1;
    const recall = t + (fn.get(intent) ?? 0) ? t / (t + (fn.get(intent) ?? 0)) : 1;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { intent, precision, recall, f1, support: t + (fn.get(intent) ?? 0) };
  });
  const confusions = [...conf.entries()]
    .map(([k, v]) => {
      const [expected, got] = k.split(' → ');
      return { expected, got, ...v };
    })
    .sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected));
  const reliability: ReliabilityRow[] = [];
  for (let i = 0; i + 1 < RELIABILITY_BANDS.length; i++) {
    const [from, to] = [RELIABILITY_BANDS[i], RELIABILITY_BANDS[i + 1]];
    const inBand = preds.filter((p) => p.score >= from && p.score < to);
    reliability.push({ from, to: Math.min(1, to), n: inBand.length, accuracy: inBand.length ? inBand.filter((p) => p.got === p.expected).length / inBand.length : NaN });
  }
  const high = preds.filter((p) => p.score >= 0.8);
  return {
    n: preds.length,
    accuracy: preds.length ? ok / preds.length : 0,
    noneRecall: none ? noneOk / none : 1,
    nonePrecision: gotNone ? noneOk / gotNone : 1,
    perIntent,
    confusions,
    reliability,
    atLeast08: { n: high.length, accuracy: high.length ? high.filter((p) => p.got === p.expected).length / high.length : NaN },
    perTag: [...tags.entries()].map(([tag, r]) => ({ tag, n: r.n, accuracy: r.ok / r.n })).sort((a, b) => b.n - a.n),
  };
}

export function predict(rec: Recognizer, items: { text: string; intent: string; tags?: string[] }[], language?: 'pl' | 'en' | 'uk'): Prediction[] {
  return items.map((it) => {
    const r = rec.recognize(it.text, language ? { language } : {});
    return { text: it.text, expected: it.intent, got: r.intent, score: r.score, tags: it.tags };
  });
}

export function evaluate(rec: Recognizer, items: { text: string; intent: string; tags?: string[] }[], language?: 'pl' | 'en' | 'uk'): EvalReport {
  return summarize(predict(rec, items, language));
}

const pct = (x: number): string => (Number.isNaN(x) ? '   –  ' : (x * 100).toFixed(1) + '%');

/**
 * A report as text. `summary` prints figures only — never a message text — for sets that must
 * stay unseen (the blind held-out sets): accuracy, out-of-scope recall and precision, per-intent
 * P/R/F1, confusion counts by intent pair, accuracy per tag, the reliability table.
 */
export function formatReport(title: string, r: EvalReport, opts: { summary: boolean; confusions?: number }): string {
  const lines: string[] = [];
  lines.push(`== ${title}: ${r.n} messages`);
  lines.push(`accuracy ${pct(r.accuracy)}   out-of-scope recall ${pct(r.noneRecall)}   out-of-scope precision ${pct(r.nonePrecision)}`);
  lines.push('intent                   precision  recall     F1  support');
  for (const x of r.perIntent) {
    lines.push(`${x.intent.padEnd(24)} ${pct(x.precision).padStart(8)} ${pct(x.recall).padStart(8)} ${pct(x.f1).padStart(7)} ${String(x.support).padStart(6)}`);
  }
  lines.push('confusions (expected → got: count' + (opts.summary ? ')' : ', e.g.)'));
  for (const c of r.confusions.slice(0, opts.confusions ?? 1000)) {
    lines.push(`  ${String(c.count).padStart(3)}× ${c.expected} → ${c.got}` + (opts.summary ? '' : `   ${c.examples.map((e) => JSON.stringify(e)).join(' | ')}`));
  }
  if (r.perTag.length) lines.push('by tag: ' + r.perTag.map((t) => `${t.tag} ${pct(t.accuracy)} (${t.n})`).join(', '));
  lines.push('reliability (score band: messages, right):');
  for (const b of r.reliability) lines.push(`  [${b.from.toFixed(2)}, ${b.to.toFixed(2)}${b.to >= 1 ? ']' : ')'}: ${String(b.n).padStart(4)}  ${pct(b.accuracy)}`);
  lines.push(`  score ≥ 0.80: ${r.atLeast08.n} messages, ${pct(r.atLeast08.accuracy)} right`);
  return lines.join('\n');
}

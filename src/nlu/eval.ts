/** Scoring helpers shared by the eval CLI and the accuracy test. */
import type { Recognizer } from './types';

export interface EvalReport {
  n: number;
  accuracy: number;
  noneRecall: number;
  perIntent: { intent: string; precision: number; recall: number; f1: number; support: number }[];
  confusions: { expected: string; got: string; count: number; examples: string[] }[];
}

export function evaluate(rec: Recognizer, items: { text: string; intent: string }[], language?: 'pl' | 'en' | 'uk'): EvalReport {
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const conf = new Map<string, { count: number; examples: string[] }>();
  let ok = 0;
  let none = 0;
  let noneOk = 0;
  const inc = (m: Map<string, number>, k: string): void => {
    m.set(k, (m.get(k) ?? 0) + 1);
  };
  for (const it of items) {
    const got = rec.recognize(it.text, language ? { language } : {}).intent;
    if (it.intent === 'None') {
      none++;
      if (got === 'None') noneOk++;
    }
    if (got === it.intent) {
      ok++;
      inc(tp, got);
    } else {
      inc(fp, got);
      inc(fn, it.intent);
      const key = `${it.intent} → ${got}`;
      const c = conf.get(key) ?? { count: 0, examples: [] };
      c.count++;
      if (c.examples.length < 3) c.examples.push(it.text);
      conf.set(key, c);
    }
  }
  const intents = [...new Set(items.map((i) => i.intent))].sort();
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
    .sort((a, b) => b.count - a.count);
  return { n: items.length, accuracy: items.length ? ok / items.length : 0, noneRecall: none ? noneOk / none : 1, perIntent, confusions };
}

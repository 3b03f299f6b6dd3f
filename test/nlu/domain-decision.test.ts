import { join } from 'node:path';
import { KroplaRecognizer } from '../../src/nlu';
import { evaluate } from '../../src/nlu/eval';
import { loadItems, withLongStories, withOtherProviders } from '../../src/nlu/model';
import { Knowledge, loadKnowledge } from '../../src/nlu/knowledge';
import { repoRoot } from '../../src/nlu/model';

jest.setTimeout(120_000);
let rec: KroplaRecognizer;
beforeAll(async () => {
  rec = await KroplaRecognizer.load();
});

describe('the domain decision in the result', () => {
  test('names the other provider or service of a None answer, and is low for it', () => {
    const r = rec.recognize('rachunek za prad z Tauronu jest za wysoki');
    expect(r.intent).toBe('None');
    expect(r.domain?.other).toContain('energy');
    expect(r.domain?.utility).toBeLessThan(0.5);
  });
  test('is high for the utility\'s own messages and names nobody else', () => {
    const r = rec.recognize('ile mam do zaplaty za wode');
    expect(r.intent).toBe('balance.check');
    expect(r.domain).toEqual({ utility: expect.any(Number), other: [] });
    expect(r.domain!.utility).toBeGreaterThan(0.5);
  });
  test('Katowice streets named after cities are addresses, the cities themselves another company\'s', () => {
    for (const t of ['nie ma wody na Gliwickiej', 'kiedy wroci woda na Warszawskiej', 'awaria na Bytomskiej 3']) {
      const r = rec.recognize(t);
      expect([t, r.intent]).toEqual([t, 'outage.check']);
      expect(r.domain?.other).toEqual([]);
    }
    const r = rec.recognize('awaria wody w Chorzowie');
    expect(r.intent).toBe('None');
    expect(r.domain?.other).toContain('other-city');
  });
  test('words of the domain lexicon are not "corrected" into the corpus\'s words (kanał is no kawał)', () => {
    const k = new Knowledge(loadKnowledge(repoRoot(), 'pl'));
    expect(k.protects('kanal')).toBe(true);
    expect(k.protects('gliwice')).toBe(true);
    expect(k.protects('gliwicka')).toBe(false);
  });
  test('state offices, shops and apps are None even with a task\'s words', () => {
    for (const t of ['wylacz mi powiadomienia w aplikacji mObywatel', 'status paczki z InPostu', 'numer konta do wplat podatku do urzedu skarbowego']) {
      expect(rec.recognize(t).intent).toBe('None');
    }
  });
});

describe('training-time examples', () => {
  const root = repoRoot();
  const kj = loadKnowledge(root, 'pl');
  const base = [
    { text: 'ile mam do zaplaty', intent: 'balance.check' },
    { text: 'pokaz faktury za wode', intent: 'invoices.list' },
    { text: 'dzien dobry', intent: 'greeting' },
    { text: 'jaka pogoda', intent: 'None' },
  ];
  test('long stories wrap tasks and None in fillers, never small talk, deterministically', () => {
    const a = withLongStories(base, kj.fillers);
    expect(a.slice(0, base.length)).toEqual(base);
    const made = a.slice(base.length);
    expect(made.length).toBeGreaterThan(0);
    expect(made.some((m) => m.intent === 'greeting')).toBe(false);
    for (const m of made) expect(m.text.length).toBeGreaterThan(base.find((b) => b.intent === m.intent)!.text.length);
    expect(withLongStories(base, kj.fillers)).toEqual(a);
  });
  test('other-provider near-misses are None and come only from tasks without a utility word', () => {
    const made = withOtherProviders(base, new Knowledge(kj), kj.fillers?.other).slice(base.length);
    expect(made.length).toBeGreaterThan(0);
    for (const m of made) {
      expect(m.intent).toBe('None');
      expect(m.text.startsWith('ile mam do zaplaty ')).toBe(true);
    }
  });
});

describe('our own long stories (Polish)', () => {
  test('≥ 85% right', () => {
    const items = loadItems(join(__dirname, 'long-pl.json'));
    expect(items.length).toBeGreaterThanOrEqual(30);
    expect(evaluate(rec, items).accuracy).toBeGreaterThanOrEqual(0.85);
  });
});

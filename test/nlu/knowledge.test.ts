import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Calibration } from '../../src/nlu/calibration';
import { formatReport, summarize } from '../../src/nlu/eval';
import { Knowledge, loadKnowledge, normalizedTokens } from '../../src/nlu/knowledge';
import { repoRoot } from '../../src/nlu/model';
import { morphStem } from '../../src/nlu/morph';
import { deepFold } from '../../src/nlu/text';

const root = repoRoot();
const pl = new Knowledge(loadKnowledge(root, 'pl'));
const uk = new Knowledge(loadKnowledge(root, 'uk'));

describe('lexicon (locales/*/nlu/lexicon.json)', () => {
  test('Silesian and colloquial forms become standard Polish', () => {
    expect(normalizedTokens(pl, 'Wody niy ma ôd rana')).toEqual(['wody', 'nie', 'ma', 'od', 'rana']);
    expect(normalizedTokens(pl, 'kaj je moja reklamacja, nikt mi niy odpisoł')).toEqual(['gdzie', 'jest', 'moja', 'reklamacja', 'nikt', 'mi', 'nie', 'odpisal']);
    expect(normalizedTokens(pl, 'bardzo dziynkujymy')).toEqual(['bardzo', 'dziekujemy']);
    expect(normalizedTokens(pl, 'kiela żech wody przelŏł')).toEqual(['ile', 'wody', 'zuzylem']);
  });
  test('Polish words inside Ukrainian messages map to the Ukrainian corpus words', () => {
    expect(normalizedTokens(uk, 'надішліть мені fakturę')).toEqual(['надишлить', 'мени', 'рахунок']);
  });
});

describe('domain features (locales/*/nlu/domain.json)', () => {
  test('utility words, other providers, both', () => {
    expect(pl.domainFeatures(['ile', 'za', 'wode'])).toEqual(['d:u']);
    expect(pl.domainFeatures(['faktura', 'z', 'orange'])).toEqual(['d:o:telecom', 'd:o']);
    expect(pl.domainFeatures(['nie', 'ma', 'cieplej', 'wody'])).toEqual(['d:o:heat', 'd:o']);
    expect(pl.domainFeatures(['jak', 'sie', 'masz'])).toEqual(['d:none']);
  });
  test('short entries match whole words only', () => {
    expect(pl.domainFeatures(['ingerencja'])).toEqual(['d:none']);
    expect(pl.domainFeatures(['ing'])).toEqual(['d:o:bank', 'd:o']);
  });
});

describe('normalisation helpers', () => {
  test('deepFold: Latin look-alikes and Russian-layout letters inside Cyrillic words', () => {
    expect(deepFold('скiльки')).toBe(deepFold('скільки'));
    expect(deepFold('лічильник')).toBe('личильник');
    expect(deepFold('zapłaciłem')).toBe('zaplacilem');
  });
  test('NLP.js stemmers conflate inflected forms', () => {
    expect(morphStem('wodomierza', 'pl')).toBe(morphStem('wodomierz', 'pl'));
    expect(morphStem('payments', 'en')).toBe('payment');
    expect(morphStem('zz', 'pl')).toBe('zz');
  });
});

describe('calibration', () => {
  test('isotonic fit is monotone and follows the share of right answers', () => {
    const points = Array.from({ length: 400 }, (_, i) => ({ score: i / 400, ok: (i * 7919) % 400 < i }));
    const c = Calibration.fit(points);
    let prev = -1;
    for (let s = 0; s <= 1; s += 0.05) {
      const v = c.apply(s);
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
    expect(c.apply(0.05)).toBeLessThan(0.3);
    expect(Math.abs(c.apply(0.5) - 0.5)).toBeLessThan(0.15);
    expect(c.apply(0.95)).toBeGreaterThan(0.7);
    // pessimistic: a block never claims more than right/(n + 1)
    expect(Calibration.fit(Array.from({ length: 30 }, (_, i) => ({ score: i / 30, ok: true }))).apply(0.99)).toBeCloseTo(30 / 31);
    expect(new Calibration().apply(0.42)).toBe(0.42);
  });
});

describe('evaluation report', () => {
  const preds = [
    { text: 'secret text one', expected: 'None', got: 'balance.check', score: 0.9, tags: ['near-miss'] },
    { text: 'secret text two', expected: 'balance.check', got: 'balance.check', score: 0.85, tags: [] },
    { text: 'secret text three', expected: 'None', got: 'None', score: 0.6, tags: ['short'] },
  ];
  test('figures: accuracy, out-of-scope recall and precision, reliability', () => {
    const r = summarize(preds);
    expect(r.accuracy).toBeCloseTo(2 / 3);
    expect(r.noneRecall).toBeCloseTo(0.5);
    expect(r.nonePrecision).toBe(1);
    expect(r.atLeast08).toEqual({ n: 2, accuracy: 0.5 });
    expect(r.confusions).toEqual([{ expected: 'None', got: 'balance.check', count: 1, examples: ['secret text one'] }]);
  });
  test('summary mode never prints a message text', () => {
    const text = formatReport('blind', summarize(preds), { summary: true });
    expect(text).toContain('1× None → balance.check');
    expect(text).not.toContain('secret');
    expect(formatReport('dev', summarize(preds), { summary: false })).toContain('secret text one');
  });
});

describe('nlu:eval CLI', () => {
  const cli = join(root, 'dist', 'src', 'nlu', 'cli-eval.js');
  (existsSync(cli) ? test : test.skip)('fails clearly when the blind held-out sets are missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'kropla-blind-'));
    const res = spawnSync(process.execPath, [cli, '--only', 'blind'], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NLU_BLIND_DIR: empty } });
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/FAIL: blind held-out set missing: .*eval-pl\.json/);
  });
});

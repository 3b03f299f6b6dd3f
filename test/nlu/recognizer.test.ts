import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KroplaRecognizer } from '../../src/nlu';
import { evaluate } from '../../src/nlu/eval';
import { loadTestset, repoRoot } from '../../src/nlu/model';

jest.setTimeout(120_000);
let rec: KroplaRecognizer;
beforeAll(async () => {
  rec = await KroplaRecognizer.load();
});

describe('KroplaRecognizer', () => {
  test('result shape: sorted intents, scores in [0,1], top 3', () => {
    const r = rec.recognize('ile mam do zaplaty', { language: 'pl' });
    expect(r.intent).toBe('balance.check');
    expect(r.language).toBe('pl');
    expect(r.intents.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < r.intents.length; i++) expect(r.intents[i - 1].score).toBeGreaterThanOrEqual(r.intents[i].score);
    for (const i of r.intents) expect(i.score).toBeGreaterThanOrEqual(0);
    expect(r.score).toBeLessThanOrEqual(1);
    expect(r.score).toBe(r.intents[0].score);
  });
  test('bare numbers are readings, bare codes are link codes, bare case numbers are case status', () => {
    expect(rec.recognize('1234,5').intent).toBe('reading.submit');
    expect(rec.recognize('1234 m3').intent).toBe('reading.submit');
    expect(rec.recognize('K7PM-4QX9')).toMatchObject({ intent: 'account.link', entities: [{ type: 'linkCode', value: 'K7PM-4QX9' }] });
    expect(rec.recognize('KW-2026-000123').intent).toBe('case.status');
  });
  test('typos, missing diacritics and slang', () => {
    expect(rec.recognize('chce zlozyc reklamacje').intent).toBe('complaint.file');
    expect(rec.recognize('ile kasy wisze za wode').intent).toBe('balance.check');
    expect(rec.recognize('pekla rura na ulicy').intent).toBe('outage.report');
  });
  test('out of scope', () => {
    for (const t of ['ile mam do zaplaty za prad', 'kto wygral mecz', 'jaka jest pogoda']) expect(rec.recognize(t).intent).toBe('None');
  });
  test('questions about the company\'s rules are info.question, requests stay tasks', () => {
    for (const t of ['czy naliczacie odsetki jak zaplace po terminie', 'czy moge zaplacic gotowka w biurze', 'dlaczego dostalem fakture szacunkowa', 'do you charge interest on late payments', 'чи можна оплатити готівкою']) {
      expect(rec.recognize(t).intent).toBe('info.question');
    }
    expect(rec.recognize('prosze o rozlozenie zaleglosci na raty').intent).toBe('message.send');
    expect(rec.recognize('podaj numer konta do przelewu').intent).toBe('payment.info');
  });
  test('hot water, heating, electricity, gas, waste and other providers stay None', () => {
    for (const t of ['nie ma cieplej wody od rana', 'kaloryfery zimne w calym bloku', 'nie ma pradu na ulicy', 'czuc gaz na klatce', 'smieci nie zabrane od tygodnia', 'faktura z orange za internet', 'ile mam na koncie w pko', 'no hot water since morning', 'немає гарячої води']) {
      expect(rec.recognize(t).intent).toBe('None');
    }
    expect(rec.recognize('faktura za wode za pazdziernik').intent).toBe('invoices.list');
  });
  test('Silesian and mixed-language messages', () => {
    expect(rec.recognize('wody niy ma ôd rana').intent).toBe('outage.check');
    expect(rec.recognize('szczynść Boże').intent).toBe('greeting');
    expect(rec.recognize('bardzo dziynkujymy').intent).toBe('thanks');
    expect(rec.recognize('надішліть мені fakturę за жовтень').intent).toBe('invoices.list');
  });
  test('language hint is overridden by clearly different text, and odd input does not crash', () => {
    expect(rec.recognize('how much do i owe', { language: 'pl' })).toMatchObject({ language: 'en', intent: 'balance.check' });
    expect(rec.recognize('скільки я винен', { language: 'pl' }).language).toBe('uk');
    for (const t of ['', ' ', 'tak', 'nie', '???', '🙂', 'a'.repeat(5000)]) expect(() => rec.recognize(t)).not.toThrow();
    expect(rec.recognize('').intent).toBe('None');
  });
});

describe('held-out accuracy floors', () => {
  const root = repoRoot();
  test('Polish ≥ 92%, out-of-scope recall ≥ 85%', () => {
    const r = evaluate(rec, loadTestset(root, 'pl'));
    expect(r.n).toBeGreaterThanOrEqual(300);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.92);
    expect(r.noneRecall).toBeGreaterThanOrEqual(0.85);
  });
  test('English and Ukrainian ≥ 85%', () => {
    const en = evaluate(rec, loadTestset(root, 'en'));
    const uk = evaluate(rec, loadTestset(root, 'uk'));
    expect(en.n).toBeGreaterThanOrEqual(60);
    expect(uk.n).toBeGreaterThanOrEqual(60);
    expect(en.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(uk.accuracy).toBeGreaterThanOrEqual(0.85);
  });
});

describe('nlu:classify CLI', () => {
  const root = repoRoot();
  const cli = join(root, 'dist', 'src', 'nlu', 'cli-classify.js');
  (existsSync(cli) ? test : test.skip)('one JSON object per input line, nothing else on stdout', () => {
    const input = ['ile mam do zaplaty', '1312,5 m3', 'K7PM-4QX9', 'kto wygral mecz', 'скільки я винен'].join('\n') + '\n';
    const res = spawnSync(process.execPath, [cli], { input, cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; intent: string; score: number; entities: { type: string }[] });
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => l.intent)).toEqual(['balance.check', 'reading.submit', 'account.link', 'None', 'balance.check']);
    expect(lines[1].entities).toEqual([{ type: 'meterValue', litres: 1312500, text: '1312,5 m3' }]);
    for (const l of lines) expect(Object.keys(l).sort()).toEqual(['entities', 'intent', 'score', 'text']);
  });
});

/** `npm run nlu:labels`: staff labels → locales/<lang>/nlu/labelled.json, which the corpus build reads. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/dataSource';
import { corpusFiles, loadCorpus } from '../../src/nlu/model';
import { labelledPath, writeLabelled } from '../../src/nlu/labelled';
import { AnalyticsService } from '../../src/services/AnalyticsService';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kropla-labels-'));
  for (const lang of ['pl', 'en']) mkdirSync(join(root, 'locales', lang, 'nlu'), { recursive: true });
  writeFileSync(join(root, 'locales', 'pl', 'nlu', 'corpus-a.json'), JSON.stringify({ language: 'pl', intents: { 'balance.check': ['ile mam do zapłaty'] } }));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('labels are merged into each language\'s labelled.json, sorted, a relabelled text moved; the corpus build takes the file in', () => {
  writeFileSync(labelledPath(root, 'pl'), JSON.stringify({ language: 'pl', intents: { help: ['co umiesz'], None: ['stara etykieta ##'] } }));
  const n = writeLabelled(root, [
    { locale: 'pl', text: 'stara etykieta ##', intent: 'balance.check' },
    { locale: 'pl', text: 'wodomierz mi się kręci w nocy', intent: 'outage.report' },
    { locale: 'en', text: 'my meter spins at night', intent: 'outage.report' },
  ]);
  expect(n).toEqual({ en: 1, pl: 3 });
  expect(JSON.parse(readFileSync(labelledPath(root, 'pl'), 'utf8'))).toEqual({ language: 'pl', intents: { 'balance.check': ['stara etykieta ##'], help: ['co umiesz'], 'outage.report': ['wodomierz mi się kręci w nocy'] } });
  expect(corpusFiles(root, 'pl').map((f) => f.slice(root.length))).toEqual(['/locales/pl/nlu/corpus-a.json', '/locales/pl/nlu/labelled.json']);
  expect(loadCorpus(root, 'pl')).toEqual(expect.arrayContaining([{ text: 'wodomierz mi się kręci w nocy', intent: 'outage.report' }, { text: 'ile mam do zapłaty', intent: 'balance.check' }]));
});

test('the CLI writes the labels stored in the database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kropla-labels-db-'));
  const ds = await openDatabase({ type: 'sqlite', path: join(dir, 'k.sqlite') });
  const analytics = new AnalyticsService(ds);
  await analytics.fallback(1, 'gdzie jest mój licznik 12', 'pl');
  await analytics.label('gdzie jest mój licznik ##', 'reading.submit', 7);
  await ds.destroy();
  const out = execFileSync(process.execPath, ['-r', join(__dirname, '..', 'staff', 'support', 'register-ts.js'), join(__dirname, '..', '..', 'src', 'cli-labels.ts'), '--root', root], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: `sqlite:${join(dir, 'k.sqlite')}`, LOG_LEVEL: 'silent' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000,
  });
  expect(JSON.parse(out)).toEqual({ labelled: { pl: 1 } });
  expect(JSON.parse(readFileSync(labelledPath(root, 'pl'), 'utf8')).intents).toEqual({ 'reading.submit': ['gdzie jest mój licznik ##'] });
  rmSync(dir, { recursive: true, force: true });
});

test('the CLI names a bad setting in one line and exits 1', () => {
  const r = spawnSync(process.execPath, ['-r', join(__dirname, '..', 'staff', 'support', 'register-ts.js'), join(__dirname, '..', '..', 'src', 'cli-labels.ts'), '--root', root], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'mysql://nowhere/x', LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 60_000,
  });
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: .*DATABASE_URL/)]);
});

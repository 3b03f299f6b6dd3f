/**
 * `npm run nlu:eval [-- --only old|dev|blind] [--dev DIR] [--summary]`: scores the recogniser.
 *
 * - old: the held-out sets written with the corpus (locales/*\/nlu/testset.json), with examples.
 * - dev: the blind DEVELOPMENT sets (test/nlu-blind/dev-{pl,en,uk}.json, or --dev DIR), written by
 *   people who never saw the corpus or the code; errors may be read and learnt from (as kinds,
 *   never by copying their sentences into the corpus).
 * - blind: the blind HELD-OUT sets (test/nlu-blind/eval-{pl,en,uk}.json). Always summary mode:
 *   figures only, never a message text, so nobody tunes against them. Their floors are enforced;
 *   missing files are a failure. (NLU_BLIND_DIR points elsewhere, for tests.)
 *
 * Exit status: 0 all floors met; 1 a floor missed or the blind sets are missing; 2 a crash.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatReport, summarize, predict, type EvalReport } from './eval';
import { KroplaRecognizer } from './index';
import { LANGS, loadItems, loadTestset, repoRoot } from './model';
import type { Lang } from './types';

/** Floors on the old held-out sets (measured minus a margin). */
export const OLD_FLOORS = { plAccuracy: 0.93, noneRecall: 0.85, enAccuracy: 0.9, ukAccuracy: 0.93 };
/**
 * Floors on the blind held-out sets: what we reach, a message or two below (reached 2026-12-01,
 * session 2: pl 92.6%, out-of-scope recall 92.9% / precision 97.2%, en 96.4%, uk 95.5%; see README
 * "Understanding messages"); the issue's goal is pl 96% with out-of-scope recall 92% / precision 90%,
 * en 95%, uk 95%.
 */
export const BLIND_FLOORS = { plAccuracy: 0.91, plNoneRecall: 0.905, plNonePrecision: 0.945, enAccuracy: 0.935, ukAccuracy: 0.93 };

const pct = (x: number): string => (x * 100).toFixed(1) + '%';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const root = repoRoot();
  const only = arg('--only');
  const forceSummary = process.argv.includes('--summary');
  const rec = await KroplaRecognizer.load();
  const failed: string[] = [];
  const check = (name: string, value: number, floor: number): void => {
    console.log(`  ${name.padEnd(40)} ${pct(value).padStart(6)}  (floor ${pct(floor)})`);
    if (value < floor) failed.push(name);
  };
  const run = (title: string, items: { text: string; intent: string; tags?: string[] }[], lang: Lang, summary: boolean): EvalReport => {
    const r = summarize(predict(rec, items, undefined));
    console.log(formatReport(`${title} [${lang}]`, r, { summary: summary || forceSummary, confusions: summary ? 1000 : 15 }));
    console.log('');
    return r;
  };

  if (!only || only === 'old') {
    const r: Partial<Record<Lang, EvalReport>> = {};
    for (const lang of LANGS) r[lang] = run('old held-out set (written with the corpus)', loadTestset(root, lang), lang, false);
    console.log('old held-out floors:');
    check('pl accuracy', r.pl!.accuracy, OLD_FLOORS.plAccuracy);
    check('pl out-of-scope recall', r.pl!.noneRecall, OLD_FLOORS.noneRecall);
    check('en accuracy', r.en!.accuracy, OLD_FLOORS.enAccuracy);
    check('uk accuracy', r.uk!.accuracy, OLD_FLOORS.ukAccuracy);
    console.log('');
  }

  if (!only || only === 'dev') {
    const dir = arg('--dev') ?? join(root, 'test', 'nlu-blind');
    for (const lang of LANGS) {
      const f = join(dir, `dev-${lang}.json`);
      if (existsSync(f)) run(`blind DEVELOPMENT set ${f.slice(root.length + 1) || f}`, loadItems(f), lang, false);
      else console.log(`(no development set ${f})`);
    }
    console.log('');
  }

  if (!only || only === 'blind') {
    const dir = process.env.NLU_BLIND_DIR ?? join(root, 'test', 'nlu-blind');
    const files = LANGS.map((lang) => ({ lang, file: join(dir, `eval-${lang}.json`) }));
    const missing = files.filter((f) => !existsSync(f.file));
    if (missing.length) {
      console.log(`FAIL: blind held-out set missing: ${missing.map((m) => m.file).join(', ')} — its floors cannot be checked`);
      failed.push('blind held-out sets present');
    } else {
      const r: Partial<Record<Lang, EvalReport>> = {};
      for (const { lang, file } of files) r[lang] = run('BLIND HELD-OUT set (summary only: no texts)', loadItems(file), lang, true);
      console.log('blind held-out floors:');
      check('blind pl accuracy', r.pl!.accuracy, BLIND_FLOORS.plAccuracy);
      check('blind pl out-of-scope recall', r.pl!.noneRecall, BLIND_FLOORS.plNoneRecall);
      check('blind pl out-of-scope precision', r.pl!.nonePrecision, BLIND_FLOORS.plNonePrecision);
      check('blind en accuracy', r.en!.accuracy, BLIND_FLOORS.enAccuracy);
      check('blind uk accuracy', r.uk!.accuracy, BLIND_FLOORS.ukAccuracy);
      for (const lang of LANGS) console.log(`  ${lang} score ≥ 0.8: ${r[lang]!.atLeast08.n} messages, ${pct(r[lang]!.atLeast08.accuracy)} right`);
    }
    console.log('');
  }

  if (failed.length) {
    console.log(`FAIL: below floor: ${failed.join(', ')}`);
    process.exit(1);
  }
  console.log('OK: all floors met');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});

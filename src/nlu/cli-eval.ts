/**
 * `npm run nlu:eval`: scores the recogniser on the held-out test sets (locales/*\/nlu/testset.json,
 * never used for training) and fails when accuracy drops below the floors.
 */
import { evaluate } from './eval';
import { KroplaRecognizer } from './index';
import { loadTestset, repoRoot } from './model';

/** Floors: measured figures minus a small margin. */
export const FLOORS = { plAccuracy: 0.93, noneRecall: 0.85, enAccuracy: 0.87, ukAccuracy: 0.93 };

const pct = (x: number): string => (x * 100).toFixed(1) + '%';

async function main(): Promise<void> {
  const root = repoRoot();
  const rec = await KroplaRecognizer.load();
  const pl = evaluate(rec, loadTestset(root, 'pl'));
  const en = evaluate(rec, loadTestset(root, 'en'));
  const uk = evaluate(rec, loadTestset(root, 'uk'));
  console.log(`Polish held-out set: ${pl.n} messages`);
  console.log('intent                   precision  recall    F1   support');
  for (const r of pl.perIntent) {
    console.log(`${r.intent.padEnd(24)} ${pct(r.precision).padStart(8)} ${pct(r.recall).padStart(8)} ${pct(r.f1).padStart(7)} ${String(r.support).padStart(6)}`);
  }
  console.log('\nTop confusions (expected → got):');
  for (const c of pl.confusions.slice(0, 12)) console.log(`  ${String(c.count).padStart(2)}× ${c.expected} → ${c.got}   e.g. ${JSON.stringify(c.examples[0])}`);
  for (const [name, r] of [['en', en], ['uk', uk]] as const) {
    if (r.confusions.length) console.log(`\n${name} errors: ` + r.confusions.map((c) => `${c.expected}→${c.got} ${JSON.stringify(c.examples[0])}`).join('; '));
  }
  console.log('');
  console.log(`Polish accuracy:        ${pct(pl.accuracy)}  (floor ${pct(FLOORS.plAccuracy)})`);
  console.log(`Out-of-scope recall:    ${pct(pl.noneRecall)}  (floor ${pct(FLOORS.noneRecall)})`);
  console.log(`English accuracy:       ${pct(en.accuracy)}  (${en.n} messages, floor ${pct(FLOORS.enAccuracy)})`);
  console.log(`Ukrainian accuracy:     ${pct(uk.accuracy)}  (${uk.n} messages, floor ${pct(FLOORS.ukAccuracy)})`);
  const all = (pl.accuracy * pl.n + en.accuracy * en.n + uk.accuracy * uk.n) / (pl.n + en.n + uk.n);
  console.log(`Overall (all languages): ${pct(all)}  (${pl.n + en.n + uk.n} messages)`);
  const failed: string[] = [];
  if (pl.accuracy < FLOORS.plAccuracy) failed.push('Polish accuracy');
  if (pl.noneRecall < FLOORS.noneRecall) failed.push('out-of-scope recall');
  if (en.accuracy < FLOORS.enAccuracy) failed.push('English accuracy');
  if (uk.accuracy < FLOORS.ukAccuracy) failed.push('Ukrainian accuracy');
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

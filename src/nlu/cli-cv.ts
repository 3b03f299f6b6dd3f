/**
 * `node dist/src/nlu/cli-cv.js [--sweep] [pl en uk]`: 5-fold cross-validation on the TRAINING
 * corpus only (never a test set). Prints accuracy, out-of-scope recall/precision, confusions and
 * the reliability table per language; `--sweep` also tries ensemble and domain-classifier weights.
 */
import { decide } from './decide';
import { extractEntities } from './entities';
import { formatReport, summarize, type Prediction } from './eval';
import { loadKnowledge } from './knowledge';
import { LANGS, loadCorpus, outOfFold, repoRoot, setGateWeight, setLinearWeight, trainLang, GATE_WEIGHT, LINEAR_WEIGHT } from './model';
import type { Lang } from './types';

const args = process.argv.slice(2);
const sweep = args.includes('--sweep');
const langs = LANGS.filter((l) => args.includes(l));
const root = repoRoot();
const K = 5;
const today = new Date();

for (const lang of langs.length ? langs : LANGS) {
  const data = loadCorpus(root, lang);
  const knowledge = loadKnowledge(root, lang);
  if (!sweep) {
    // raw top scores: the shipped calibration is itself fitted on these folds, so it is not applied here
    const preds: Prediction[] = outOfFold(lang, data, knowledge, K, today).map((p) => ({ text: p.text, expected: p.expected, got: p.got, score: p.raw }));
    console.log(formatReport(`${lang}: ${K}-fold cross-validation on the training corpus (uncalibrated scores)`, summarize(preds), { summary: false, confusions: 15 }));
    console.log('');
    continue;
  }
  const folds = Array.from({ length: K }, (_, k) => ({
    model: trainLang(lang as Lang, data.filter((_, i) => i % K !== k), knowledge),
    test: data.filter((_, i) => i % K === k),
  }));
  const [w0, g0] = [LINEAR_WEIGHT, GATE_WEIGHT];
  const rows: string[] = [];
  for (const w of [0.4, 0.5, 0.6, 0.7, 0.8]) {
    for (const g of [0, 0.25, 0.4, 0.5, 0.6, 0.75]) {
      setLinearWeight(w);
      setGateWeight(g);
      const preds: Prediction[] = [];
      for (const f of folds) for (const ex of f.test) {
        const d = decide(f.model, ex.text, extractEntities(ex.text, lang, today));
        preds.push({ text: ex.text, expected: ex.intent, got: d.intents[0].intent, score: d.raw });
      }
      const r = summarize(preds);
      rows.push(`${lang} linear=${w} gate=${g}: accuracy ${(r.accuracy * 100).toFixed(1)}%  None recall ${(r.noneRecall * 100).toFixed(1)}%  None precision ${(r.nonePrecision * 100).toFixed(1)}%`);
    }
  }
  setLinearWeight(w0);
  setGateWeight(g0);
  console.log(rows.join('\n'));
}

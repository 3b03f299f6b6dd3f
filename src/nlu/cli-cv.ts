/**
 * `node dist/src/nlu/cli-cv.js`: 5-fold cross-validation on the TRAINING corpus only (never the
 * test set), used to choose the ensemble weight and the None threshold.
 */
import { loadCorpus, repoRoot, setLinearWeight, trainLang } from './model';

const root = repoRoot();
const data = loadCorpus(root, 'pl');
const K = 5;
const weights = [0, 0.3, 0.5, 0.6, 0.7, 0.85, 1];
const thresholds = [0, 0.2, 0.3, 0.4];
const ok = new Map<string, number>();
for (let k = 0; k < K; k++) {
  const train = data.filter((_, i) => i % K !== k);
  const test = data.filter((_, i) => i % K === k);
  const m = trainLang('pl', train);
  for (const w of weights) {
    setLinearWeight(w);
    for (const ex of test) {
      const { probs } = m.classify(ex.text);
      const top = [...probs.entries()].sort((a, b) => b[1] - a[1])[0];
      for (const t of thresholds) {
        const got = top[1] < t ? 'None' : top[0];
        const key = `w=${w} t=${t}`;
        if (got === ex.intent) ok.set(key, (ok.get(key) ?? 0) + 1);
      }
    }
  }
}
for (const [k, v] of [...ok.entries()].sort((a, b) => b[1] - a[1])) console.log(k, ((v / data.length) * 100).toFixed(1) + '%');

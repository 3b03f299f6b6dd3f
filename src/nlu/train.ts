/**
 * Build step: trains the NLU from locales/{pl,en,uk}/nlu/*.json into models/nlu-cache/,
 * skipping the work when the corpora (and the training code) are unchanged.
 */
import { defaultModelDir, loadOrTrain, repoRoot } from './model';

const started = Date.now();
const root = repoRoot();
const dir = process.argv[2] ?? defaultModelDir(root);
loadOrTrain(dir, root, (m) => process.stderr.write(m + '\n'));
process.stderr.write(`nlu: ready in ${Date.now() - started} ms → ${dir}\n`);

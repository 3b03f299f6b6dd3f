/**
 * Once before all test files: makes sure the trained NLU model in models/nlu-cache matches the corpora,
 * training it here if not, so that the parallel test workers only read it (no worker trains its own copy).
 */
import { defaultModelDir, loadOrTrain, repoRoot } from '../../src/nlu/model';

export default function globalSetup(): void {
  loadOrTrain(defaultModelDir(repoRoot()), repoRoot());
}

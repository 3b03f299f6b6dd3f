/**
 * Once before all test files:
 * - makes sure the trained NLU model in models/nlu-cache matches the corpora, training it here if not,
 *   so that the parallel test workers only read it (no worker trains its own copy);
 * - compiles the desk's browser modules when they changed since the last build (see deskBuild.ts);
 * - gives the run its own temporary folder (TMPDIR of the workers, which start after this), removed by
 *   globalTeardown, so that no `kropla-test-*` folder is left behind even when a test does not clean up.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir, loadOrTrain, repoRoot } from '../../src/nlu/model';
import { ensureDeskBuilt } from './deskBuild';

export default function globalSetup(): void {
  loadOrTrain(defaultModelDir(repoRoot()), repoRoot());
  ensureDeskBuilt(repoRoot());
  if (!process.env.KROPLA_TEST_RUN_DIR) {
    const dir = mkdtempSync(join(tmpdir(), 'kropla-run-'));
    process.env.KROPLA_TEST_RUN_DIR = dir;
    process.env.KROPLA_TEST_OUTER_TMPDIR = tmpdir();
    process.env.TMPDIR = dir;
  }
}

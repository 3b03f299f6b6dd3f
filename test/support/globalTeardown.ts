/** After all test files: removes the run's temporary folder (see globalSetup.ts). */
import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  const dir = process.env.KROPLA_TEST_RUN_DIR;
  if (!dir) return;
  rmSync(dir, { recursive: true, force: true });
  process.env.TMPDIR = process.env.KROPLA_TEST_OUTER_TMPDIR ?? '';
  if (!process.env.TMPDIR) delete process.env.TMPDIR;
  delete process.env.KROPLA_TEST_RUN_DIR;
}

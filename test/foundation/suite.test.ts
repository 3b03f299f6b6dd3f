/** The test suite itself (issue 15): the built code and the tests share one trained NLU model. */
import { join } from 'node:path';
import { corporaHash, repoRoot } from '../../src/nlu/model';

test('the model hash is the same from dist/ (npm run build) and from src/ (ts-jest), so tests never retrain', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const built = require(join(repoRoot(), 'dist', 'src', 'nlu', 'model.js')) as { corporaHash(root: string): string };
  expect(built.corporaHash(repoRoot())).toBe(corporaHash(repoRoot()));
});

/** Test suites split by reach: unit+integration on SQLite (npm test), PostgreSQL, real browser. */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/env.ts'],
  // Trains the NLU model once (when the corpora changed) before the workers start, and gives the run
  // its own temporary folder, removed at the end.
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  // The desk's browser modules (desk/) import each other as `./x.js` (native ES modules); in Jest that is x.ts.
  moduleNameMapper: { '^(\\.{1,2}/.+)\\.js$': '$1' },
};
module.exports = {
  // Real servers, databases and browsers on a loaded 2-core machine: a slow moment must not fail a test.
  // (A global option: inside `projects` Jest ignores it and keeps its 5 s default.)
  testTimeout: 30_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['\\.pg\\.test\\.ts$', '\\.browser\\.test\\.ts$', '/node_modules/', '/dist/'] },
    { ...base, displayName: 'postgres', testMatch: ['<rootDir>/test/**/*.pg.test.ts'] },
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/test/**/*.browser.test.ts'] },
  ],
};

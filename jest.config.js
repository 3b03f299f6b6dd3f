/** Test suites split by reach: unit+integration on SQLite (npm test), PostgreSQL, real browser. */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  // Real servers, databases and browsers on a 2-core machine: a slow moment must not fail a test.
  testTimeout: 20_000,
  setupFiles: ['<rootDir>/test/support/env.ts'],
  // Trains the NLU model once (when the corpora changed) before the workers start; they only read it.
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['\\.pg\\.test\\.ts$', '\\.browser\\.test\\.ts$', '/node_modules/', '/dist/'] },
    { ...base, displayName: 'postgres', testMatch: ['<rootDir>/test/**/*.pg.test.ts'] },
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/test/**/*.browser.test.ts'] },
  ],
};

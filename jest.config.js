/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/jsii needs the jsii build: `npm run test:jsii` (jest.jsii.config.js) runs it after `npm run build`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/jsii/'],
  transform: {
    // Transpile only: `npm test` (scripts/test.sh) type-checks lib, apps, test and bench in one tsc
    // program (tsconfig.test.json) beside jest, instead of a type-checker per worker.
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }],
  },
  // Four workers on the 2 cores: the end-to-end files mostly wait (for pods, probes, timeouts),
  // so more workers overlap them; measured 85 s of wall time with 2 and 60 s with 3 on a quiet day
  // (68 s with 3 or 4 on a slower one), and with issue 20's and 21's tests 69-70 s with 3 against
  // 59 s with 4, back to back on the same machine.
  maxWorkers: 4,
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  // Each run gets a temp dir of its own (TMPDIR), removed at the end; leftovers of the tests fail the run.
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  // Jest's cache lives with the checkout (git-ignored), not in the temp dir.
  cacheDirectory: '<rootDir>/.jest-cache',
};

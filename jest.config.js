/** @type {import('jest').Config} */
module.exports = {
  // Node, with a temporary folder per test file that is removed when the file ends.
  testEnvironment: '<rootDir>/test-support/test-environment.ts',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Transpile only (tsconfig has isolatedModules): type-checking is `npm run typecheck`, once, in CI.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test-support/global-setup.ts',
  globalTeardown: '<rootDir>/test-support/global-teardown.ts',
  // Jest's own cache in the project, not in TMPDIR.
  cacheDirectory: '<rootDir>/.work/jest-cache',
  // cdktf's index loads archiver (~0.3 s per test file) for a zip it only ever makes in a child process.
  moduleNameMapper: { '^archiver$': '<rootDir>/test-support/archiver-stand-in.ts' },
  setupFilesAfterEnv: ['<rootDir>/test-support/setup-jest.ts'],
  // Both cores: the default (cores - 1) runs one test file at a time on this 2-core machine.
  maxWorkers: 2,
  testTimeout: 240000,
};

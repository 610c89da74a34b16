// Two projects: `unit` needs no database and no build (a few seconds); `integration` talks to a real
// MySQL/MariaDB (DATABASE_URL, default mysql://root@127.0.0.1:3306) and real HTTP servers, and builds the
// tree once first for the tests that run the compiled service and command. Types are checked by
// `npm run typecheck`, so tests are only transpiled (tsconfig.test.json).
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      globalSetup: '<rootDir>/test/support/build-once.js',
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-timeout.js'],
    },
  ],
};

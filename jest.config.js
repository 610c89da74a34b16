// Three projects: `unit` needs no database and no build (10-12 s on 2 cores); `integration` talks to a real
// MySQL/MariaDB (DATABASE_URL, default mysql://root@127.0.0.1:3306) and real HTTP servers, and builds the
// tree once first for the tests that run the compiled service and command; `graphql-js` runs the tests of
// errors, limits, every status, consent and the span tree again with GRAPHQL_EXECUTOR=graphql-js, so that both executors
// stay correct. Types are checked by `npm run typecheck`, so tests are only transpiled (tsconfig.test.json).
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
    // ip2region.js (the IP database's official binding) is ES modules only: Jest can require() those only
    // under --experimental-vm-modules, so it is compiled to CommonJS for the tests (Node itself loads it as is).
    '/node_modules/ip2region\\.js/.+\\.js$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!ip2region\\.js/)'],
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
    {
      ...shared,
      displayName: 'graphql-js',
      roots: ['<rootDir>/test/integration'],
      testMatch: [
        '**/hardening/*.test.ts',
        '**/graphql/entities.test.ts',
        '**/consent/*.test.ts',
        '**/faults/database-faults.test.ts',
        '**/observability/tracing.test.ts',
      ],
      setupFiles: [...shared.setupFiles, '<rootDir>/test/support/graphql-js-executor.js'],
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-timeout.js'],
    },
  ],
};

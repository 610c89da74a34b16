// ESLint (flat config): typescript-eslint's recommended rules, no import cycles, and the layer rules that
// keep the tree readable as the request flows: http -> graphql -> loaders -> db, with policy pure beside them.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** The folders of use cases: each takes the store it needs (db/) and is called from the doors (cli, http, graphql). */
const USE_CASES = [
  './src/consent',
  './src/notify',
  './src/import',
  './src/ip-recording',
  './src/professional-recording',
  './src/policy-admin',
  './src/key-rotation',
  './src/demo',
  './src/events',
];

/** A folder of src/ may not import these folders of src/. */
const LAYERS = [
  {
    target: './src/policy',
    from: ['./src/!(policy)/**', './src/*.ts'],
    message: 'policy/ is pure: it imports nothing outside itself (no I/O, no configuration, no GraphQL).',
  },
  {
    target: './src/crypto',
    from: ['./src/!(crypto)/**', './src/*.ts'],
    message: 'crypto/ is self-contained: keys and ciphers, no configuration, no database.',
  },
  {
    target: './src/ip-location',
    from: ['./src/!(policy|ip-location)/**', './src/!(user-id|errors|dates).ts'],
    message:
      'ip-location/ is the rules and the lookup: it imports only the policy types, the id rule, the errors and the date parser.',
  },
  {
    target: './src/professional',
    from: ['./src/!(professional)/**', './src/!(user-id|shown-text).ts'],
    message: 'professional/ is the rules of credentials and MCN agencies: pure, it imports only the id and text rules.',
  },
  {
    target: './src/db',
    from: ['./src/graphql', './src/http', './src/cli', './src/loaders', './src/wiring', ...USE_CASES],
    message:
      'db/ is storage only (connections, tables, rows, transactions): use cases call it, never the other way round.',
  },
  { target: './src/loaders', from: ['./src/graphql', './src/http'], message: 'loaders/ sit below GraphQL and HTTP.' },
  {
    target: './src/graphql',
    from: ['./src/http', './src/cli', './src/db', './src/wiring'],
    message: 'graphql/ reaches storage only through the loaders and the use cases (consent/), never db/ itself.',
  },
  {
    target: USE_CASES,
    from: ['./src/graphql', './src/http', './src/cli'],
    message: 'the write side is used by GraphQL, HTTP and the command, never the other way round.',
  },
  {
    target: './src/changes',
    from: ['./src/!(changes|observability)/**', './src/observability/!(tracing).ts', './src/!(errors|timeout).ts'],
    message:
      'changes/ is the change feed alone (traced through observability/tracing.ts): the server and the command plug it into their caches.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench-results/**', 'scripts/peers-bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      // The cycle rule reads every imported module: it needs to know how to parse TypeScript.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: LAYERS }],
      // Long functions hide several jobs; tests are exempt (a table of cases reads better whole).
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests navigate parsed JSON responses; `any` there reads better than a cast at every step.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // bin/identity-labels is JavaScript without the suffix: a command on PATH is called by its bare name.
    files: ['**/*.js', 'bin/identity-labels'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        jest: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

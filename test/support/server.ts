// Starts the real service (Fastify + Apollo + TypeORM) on a free port against a test database.
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import pino from 'pino';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { AccountFacts } from '../../src/policy/types';
import { createTestDatabase, type TestDatabase } from './database';
import { insertAccounts } from './factories';
import { TEST_REAL_NAME_KEYS } from './real-names';
import { onTeardown } from './teardown';

export interface TestServer {
  app: App;
  /** The DATABASE_URL it runs on (undefined: the embedded database). */
  databaseUrl: string | undefined;
  /** Every SQL statement the service sent, in order. */
  queries: string[];
  /** The database each of `queries` went to: `primary`, or a replica's host:port. */
  queryDatabases: string[];
  /** The statements that read the accounts table (on `database` only, when given). */
  accountQueries(database?: string): string[];
  /** The policy's clock: tests move it. */
  now: Date;
  post(
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: GraphQLResponse; text: string; headers: Headers }>;
  entities(representations: unknown[], selection: string, headers?: Record<string, string>): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

export interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export const VERIFIED_VIEWER = { 'x-viewer-id': 'viewer-1', 'x-viewer-verified': 'true' };

export interface TestServerOptions {
  /** Every JSON log line the service writes is collected here (to check what is never logged). */
  logLines?: string[];
  /** Turns tracing on: every span the service ends is handed to it (an InMemorySpanExporter, say). */
  traceExporter?: SpanExporter;
}

/** A server object whose methods work once `start` has run. */
function unstartedTestServer(now: Date, options: TestServerOptions) {
  const log =
    options.logLines === undefined
      ? pino({ level: 'silent' })
      : pino({ level: 'info' }, { write: (line: string) => void options.logLines!.push(line) });
  const queries: string[] = [];
  const queryDatabases: string[] = [];
  const server: TestServer = {
    app: undefined as unknown as App,
    databaseUrl: undefined,
    queries,
    queryDatabases,
    now,
    accountQueries: (database) =>
      queries.filter(
        (sql, index) =>
          /^\s*SELECT\b/i.test(sql) &&
          /\baccounts\b/.test(sql) &&
          (database === undefined || queryDatabases[index] === database),
      ),
    async post(body, headers = {}) {
      const response = await fetch(`${server.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: GraphQLResponse = {};
      try {
        parsed = JSON.parse(text) as GraphQLResponse;
      } catch {
        // not JSON: the test looks at `text`
      }
      return { status: response.status, body: parsed, text, headers: response.headers };
    },
    async entities(representations, selection, headers = VERIFIED_VIEWER) {
      const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`;
      const { body } = await server.post({ query, variables: { representations } }, headers);
      return body;
    },
    close: () => server.app.close(),
  };
  const start = async (env: Record<string, string | undefined>) => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      REAL_NAME_KEYS: TEST_REAL_NAME_KEYS,
      GRAPHQL_EXECUTOR: process.env.TEST_GRAPHQL_EXECUTOR, // the graphql-js Jest project sets it
      // Off unless a test turns it on: most tests change rows between requests and count every query; the
      // cache and the change feed that keeps it true have tests of their own.
      ACCOUNT_CACHE_TTL_MS: '0',
      ...env,
    });
    server.databaseUrl = config.databaseUrl;
    const observeQuery = (sql: string, database: string) => {
      queries.push(sql);
      queryDatabases.push(database);
    };
    server.app = await startApp(config, {
      log,
      observeQuery,
      clock: () => server.now,
      traceExporter: options.traceExporter,
    });
  };
  return { server, start };
}

export async function startTestServer(
  env: Record<string, string | undefined>,
  now = new Date(),
  options: TestServerOptions = {},
): Promise<TestServer> {
  const { server, start } = unstartedTestServer(now, options);
  await start(env);
  return server;
}

export interface UseTestServerOptions extends TestServerOptions {
  /** The service's environment; DATABASE_URL is the test database's unless `databaseUrl` says otherwise. */
  env?: Record<string, string | undefined>;
  /** Where the service finds the test database (a proxy in front of it, say). */
  databaseUrl?: (testDatabaseUrl: string) => string;
  now?: Date;
  /** Stored before the first test. */
  accounts?: AccountFacts[];
}

/**
 * A test database and the real service on it, for the tests of one file: started before them, stopped and
 * dropped after. The returned server is usable from the first test on.
 */
export function useTestServer(options: UseTestServerOptions = {}): TestServer {
  const { server, start } = unstartedTestServer(options.now ?? new Date(), options);
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    await start({ DATABASE_URL: options.databaseUrl?.(database.url) ?? database.url, ...options.env });
    if (options.accounts !== undefined) await insertAccounts(server.app.dataSource, options.accounts);
  });
  onTeardown(async () => {
    await server.app?.close();
    await database?.drop();
  });
  return server;
}

export const USER_FIELDS =
  '... on User { id displayName verifiedRealName identityLabel { status realName subjectKind restricted noticeDeadline disclosedSince stage { name } } }';

export function userRef(id: unknown, nickname: unknown = `nick-${String(id)}`): Record<string, unknown> {
  return { __typename: 'User', id, nickname };
}

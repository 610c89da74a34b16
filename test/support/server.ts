// Starts the real service (Fastify + Apollo + TypeORM) on a free port against a test database.
import pino from 'pino';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';

export interface TestServer {
  app: App;
  /** Every SQL statement the service sent, in order. */
  queries: string[];
  /** The statements that read the accounts table. */
  accountQueries(): string[];
  /** The policy's clock: tests move it. */
  now: Date;
  post(
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: GraphQLResponse; text: string }>;
  entities(representations: unknown[], selection: string, headers?: Record<string, string>): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

export interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export const VERIFIED_VIEWER = { 'x-viewer-id': 'viewer-1', 'x-viewer-verified': 'true' };

export async function startTestServer(
  env: Record<string, string | undefined>,
  now = new Date(),
  options: { logLines?: string[] } = {},
): Promise<TestServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
  // With logLines, every JSON log line the service writes is collected there (to check what is never logged).
  const log =
    options.logLines === undefined
      ? pino({ level: 'silent' })
      : pino({ level: 'info' }, { write: (line: string) => void options.logLines!.push(line) });
  const queries: string[] = [];
  const server: TestServer = {
    app: undefined as unknown as App,
    queries,
    now,
    accountQueries: () => queries.filter((sql) => /^\s*SELECT\b/i.test(sql) && /\baccounts\b/.test(sql)),
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
      return { status: response.status, body: parsed, text };
    },
    async entities(representations, selection, headers = VERIFIED_VIEWER) {
      const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`;
      const { body } = await server.post({ query, variables: { representations } }, headers);
      return body;
    },
    close: () => server.app.close(),
  };
  server.app = await startApp(config, {
    log,
    observeQuery: (sql) => queries.push(sql),
    clock: () => server.now,
  });
  return server;
}

export const USER_FIELDS =
  '... on User { id displayName verifiedRealName identityLabel { status realName subjectKind restricted noticeDeadline disclosedSince stage { name } } }';

export function userRef(id: unknown, nickname: unknown = `nick-${String(id)}`): Record<string, unknown> {
  return { __typename: 'User', id, nickname };
}

// Whatever a client sends, the answer is never a 500 and nothing is logged at error level: a malformed request
// is a 4xx with a code of its own, counted in identity_graphql_errors_total. Each input below was once a 500,
// an "internal error" or an error-level log line.
import { userRef, useTestServer } from '../../support/server';

const logLines: string[] = [];
const server = useTestServer({
  env: {
    NOTIFY_INTERVAL_SECONDS: '0',
    MAX_REPRESENTATIONS: '20',
    MAX_BODY_BYTES: '400000',
    // High enough that the deeply nested literal below reaches the parser's recursion, not the token limit.
    MAX_QUERY_TOKENS: '100000',
  },
  logLines,
});

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }';
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

interface ClientInput {
  body?: string | object;
  headers?: Record<string, string>;
  rawHeaders?: [string, string][];
  method?: string;
}

/** Sends with node:http so that a header can be sent twice, as a client can. */
async function send(input: ClientInput): Promise<{ status: number; text: string }> {
  const { request } = await import('node:http');
  const url = new URL(`${server.app.url}/graphql`);
  const body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body ?? {});
  const headers: [string, string][] = [
    // A raw header list gets nothing added by Node: no Host, no Content-Length.
    ['host', url.host],
    ['content-length', String(Buffer.byteLength(body))],
    ['content-type', 'application/json'],
    ...(input.rawHeaders ?? []),
  ];
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    const index = headers.findIndex(([existing]) => existing === name);
    if (index === -1) headers.push([name, value]);
    else headers[index] = [name, value];
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: input.method ?? 'POST',
        headers: headers.flat(),
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function errorCount(code: string): Promise<number> {
  const text = await (await fetch(`${server.app.url}/metrics`)).text();
  const match = new RegExp(`^identity_graphql_errors_total\\{code="${code}"\\} (\\d+)$`, 'm').exec(text);
  return Number(match?.[1] ?? 0);
}

const CASES: [string, ClientInput, number, string, RegExp?][] = [
  ['a syntax error', { body: { query: '{ __typename' } }, 400, 'GRAPHQL_PARSE_FAILED', /Syntax Error/],
  [
    'more tokens than MAX_QUERY_TOKENS',
    { body: { query: `{ ${'a '.repeat(100_001)}}` } },
    400,
    'GRAPHQL_PARSE_FAILED',
    /contains more th.. 100000 tokens/,
  ],
  [
    'a 20,000-deep list literal',
    { body: { query: `{ disclosurePolicy(x: ${nested(20_000)}) { name } }` } },
    400,
    'GRAPHQL_PARSE_FAILED',
    /nested too deeply/,
  ],
  [
    'a subscription',
    { body: { query: 'subscription { disclosurePolicy { name } }' } },
    400,
    'GRAPHQL_VALIDATION_FAILED',
    /does not support subscription operations/,
  ],
  [
    'a persisted query with a wrong sha256',
    { body: { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } } },
    400,
    'PERSISTED_QUERY_NOT_SUPPORTED',
  ],
  [
    'a persisted query of version 2',
    { body: { query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } } } },
    400,
    'PERSISTED_QUERY_NOT_SUPPORTED',
  ],
  [
    'a persisted query by hash only',
    { body: { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } } },
    400,
    'PERSISTED_QUERY_NOT_SUPPORTED',
  ],
  [
    'x-viewer-id sent twice',
    {
      body: { query: '{ __typename }' },
      rawHeaders: [
        ['x-viewer-id', 'v-1'],
        ['x-viewer-id', 's-refused'],
      ],
    },
    400,
    'BAD_REQUEST',
    /header x-viewer-id must be sent once/,
  ],
  [
    'x-viewer-verified in capitals',
    { body: { query: '{ __typename }' }, headers: { 'x-viewer-id': 'v-1', 'x-viewer-verified': 'TRUE' } },
    400,
    'BAD_REQUEST',
    /exactly "true" or "false"/,
  ],
  ['no query', { body: {} }, 400, 'BAD_REQUEST'],
  ['a query that is not a string', { body: { query: 7 } }, 400, 'BAD_REQUEST'],
  ['variables that are not an object', { body: { query: '{ __typename }', variables: 'x' } }, 400, 'BAD_REQUEST'],
  ['an unknown field', { body: { query: '{ nope }' } }, 400, 'GRAPHQL_VALIDATION_FAILED'],
  [
    'an operation name that is not in the document',
    { body: { query: 'query A { __typename }', operationName: 'B' } },
    400,
    'OPERATION_RESOLUTION_FAILURE',
  ],
  [
    'two operations and no operation name',
    { body: { query: 'query A { __typename } query B { __typename }' } },
    400,
    'OPERATION_RESOLUTION_FAILURE',
  ],
  ['a variable of the wrong type', { body: { query: ENTITIES, variables: { r: null } } }, 400, 'BAD_USER_INPUT'],
  [
    'more representations than MAX_REPRESENTATIONS, across aliases',
    {
      body: {
        query:
          'query($a: [_Any!]!, $b: [_Any!]!) { a: _entities(representations: $a) { __typename } b: _entities(representations: $b) { __typename } }',
        variables: {
          a: Array.from({ length: 11 }, (_, i) => userRef(`a${i}`)),
          b: Array.from({ length: 10 }, (_, i) => userRef(`b${i}`)),
        },
      },
    },
    400,
    'BAD_USER_INPUT',
    /at most 20 representations a request, got 21/,
  ],
  ['malformed JSON', { body: '{"query": "{ __typename }",' }, 400, 'BAD_REQUEST', /JSON/],
  ['a JSON body that is not an object', { body: '"{ __typename }"' }, 400, 'BAD_REQUEST'],
  ['a batch of operations', { body: [{ query: '{ __typename }' }] }, 400, 'BAD_REQUEST', /batching/i],
  [
    'a body that is not JSON',
    { body: 'query { __typename }', headers: { 'content-type': 'text/plain' } },
    400,
    'BAD_REQUEST',
  ],
  [
    'an unknown content type',
    { body: '<query/>', headers: { 'content-type': 'application/xml' } },
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  [
    'a body over MAX_BODY_BYTES',
    { body: { query: '{ __typename }', variables: { x: 'x'.repeat(500_000) } } },
    413,
    'PAYLOAD_TOO_LARGE',
  ],
];

describe.each(CASES)('%s', (_name, input, status, code, message) => {
  it(`is a ${status} coded ${code}, counted, and logged below error level`, async () => {
    const before = await errorCount(code);
    const linesBefore = logLines.length;
    const response = await send(input);
    expect(response.status).toBe(status);
    const body = JSON.parse(response.text) as { errors?: { message: string; extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe(code);
    if (message !== undefined) expect(body.errors?.[0]?.message).toMatch(message);
    expect(await errorCount(code)).toBe(before + 1);
    const errorLines = logLines
      .slice(linesBefore)
      .filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errorLines).toEqual([]);
  });
});

it('a merging router’s `_entities` aliases are not counted against MAX_ALIASES (15)', async () => {
  const aliases = Array.from(
    { length: 16 },
    (_, i) => `_v${i}__entities: _entities(representations: $r${i}) { __typename }`,
  );
  const variables = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`r${i}`, [userRef(`m${i}`)]]));
  const definitions = Array.from({ length: 16 }, (_, i) => `$r${i}: [_Any!]!`).join(', ');
  const response = await send({ body: { query: `query(${definitions}) { ${aliases.join(' ')} }`, variables } });
  expect(response.status).toBe(200);
  const body = JSON.parse(response.text) as { data: Record<string, unknown[]>; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(Object.keys(body.data)).toHaveLength(16);
});

it('other aliases still count against MAX_ALIASES', async () => {
  const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(' ');
  const response = await send({ body: { query: `{ ${aliases} }` } });
  expect(response.status).toBe(400);
  expect(response.text).toMatch(/Aliases limit of 15/);
});

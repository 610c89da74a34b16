// graphql-jit (the default) and graphql-js answer every request alike, byte for byte: data, errors, their
// order, paths, locations and codes, the HTTP status and the headers that say what the body is. Two services
// on one database, the same requests. Each request goes twice to graphql-jit: the second time a document
// it has answered is answered without Apollo's pipeline (src/graphql/known-operations.ts), and must not differ.
import { accountsInEveryStatus, NOW } from '../../support/every-status';
import { useTestDatabase } from '../../support/database';
import { insertAccounts } from '../../support/factories';
import { aLocationRecord, postIpLocations, WRITER_SECRET } from '../../support/ip-locations';
import { startTestServer, USER_FIELDS, VERIFIED_VIEWER, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';

const database = useTestDatabase();
let compiled: TestServer;
let interpreted: TestServer;

beforeAll(async () => {
  const locations = { IP_LOCATION_WRITER_SECRET: WRITER_SECRET };
  compiled = await startTestServer({ DATABASE_URL: database.url, GRAPHQL_EXECUTOR: 'graphql-jit', ...locations }, NOW);
  interpreted = await startTestServer(
    { DATABASE_URL: database.url, GRAPHQL_EXECUTOR: 'graphql-js', RUN_MIGRATIONS: 'false', ...locations },
    NOW,
  );
  await insertAccounts(compiled.app.dataSource, Object.values(accountsInEveryStatus));
  const located = aLocationRecord({ postId: 'p-located', userId: 'demo-disclosed', ip: '203.198.7.66' });
  expect((await postIpLocations(compiled, { records: [located] })).status).toBe(200);
});
onTeardown(async () => {
  await compiled?.close();
  await interpreted?.close();
});

const ACCEPT_GRAPHQL = { accept: 'application/graphql-response+json' };
const ENTITIES = (selection: string) =>
  `query Feed($r: [_Any!]!) { _entities(representations: $r) { __typename ${selection} } }`;
const POST_FIELDS = '... on Post { id displayName verifiedRealName }';
const ids = Object.values(accountsInEveryStatus).map((account) => account.userId);
const users = ids.map((id) => ({ __typename: 'User', id, nickname: `nick-${id}` }));

const requests: [string, unknown, Record<string, string>?][] = [
  ['every status, verified viewer', { query: ENTITIES(USER_FIELDS), variables: { r: users } }, VERIFIED_VIEWER],
  ['every status, anonymous', { query: ENTITIES(USER_FIELDS), variables: { r: users } }, {}],
  [
    'posts with and without their @requires fields',
    {
      query: ENTITIES(`${POST_FIELDS} ${USER_FIELDS}`),
      variables: {
        r: [
          { __typename: 'Post', id: 'p1', author: { id: 'demo-disclosed', nickname: 'weiwei' } },
          { __typename: 'Post', id: 'p2' },
          { __typename: 'Post', id: 'p3', author: { id: 'demo-refused' } },
          { __typename: 'User', id: 'demo-disclosed' },
          { __typename: 'User', id: 'demo-notice', nickname: 'nana' },
        ],
      },
    },
    VERIFIED_VIEWER,
  ],
  [
    'bad representations among good ones',
    {
      query: ENTITIES(USER_FIELDS),
      variables: {
        r: [
          'User',
          { id: 'x' },
          { __typename: 'Comment', id: 'c' },
          { __typename: 'User', id: 42 },
          { __typename: 'User', id: ' padded' },
          { __typename: 'User', id: 'x'.repeat(65) },
          users[0],
        ],
      },
    },
    VERIFIED_VIEWER,
  ],
  ['a variable of the wrong type', { query: ENTITIES(USER_FIELDS), variables: { r: 'not a list' } }],
  ['a variable missing', { query: ENTITIES(USER_FIELDS) }],
  ['a null variable', { query: ENTITIES(USER_FIELDS), variables: { r: null } }],
  [
    'aliases, fragments and directives',
    {
      query: `query($r: [_Any!]!, $skip: Boolean!) {
        first: _entities(representations: $r) { ...names }
        second: _entities(representations: $r) { ... on User { id label: identityLabel { status @skip(if: $skip) restricted } } }
      }
      fragment names on _Entity { ... on User { displayName verifiedRealName @include(if: $skip) } }`,
      variables: { r: users.slice(0, 3), skip: true },
    },
    VERIFIED_VIEWER,
  ],
  [
    'the operation named among several',
    {
      query: `query A { disclosurePolicy { name } } query B { disclosurePolicy { name minFollowers mode effectiveFrom categories noticeDays } }`,
      operationName: 'B',
    },
  ],
  [
    'IP locations of posts and users, beside the real-name fields',
    {
      query: ENTITIES(
        `... on Post { id displayName ipLocation { label countryCode regionCode recordedAt } } ${USER_FIELDS} ... on User { ipLocation { label } }`,
      ),
      variables: {
        r: [
          { __typename: 'Post', id: 'p-located', author: { id: 'demo-disclosed', nickname: 'weiwei' } },
          { __typename: 'Post', id: 'p-nowhere', author: { id: 'demo-notice', nickname: 'nana' } },
          ...users,
        ],
      },
    },
    VERIFIED_VIEWER,
  ],
  ['an operation name not in the document', { query: '{ __typename }', operationName: 'Nope' }],
  ['two operations and no operation name', { query: 'query A { __typename } query B { __typename }' }],
  ['_service', { query: '{ _service { sdl } }' }],
  ['__typename and introspection', { query: '{ __typename __type(name: "IdentityLabel") { name fields { name } } }' }],
  ['consent from nobody', { query: 'mutation { setRealNameConsent(consent: true) { status } }' }],
  [
    'consent from an account with nothing to disclose',
    { query: 'mutation { setRealNameConsent(consent: true) { status } }' },
    { 'x-viewer-id': 'never-seen' },
  ],
  ['a field that does not exist', { query: '{ disclosurePolicy { nope } }' }],
  ['a malformed viewer header', { query: '{ disclosurePolicy { name } }' }, { 'x-viewer-verified': 'maybe' }],
  ['the policy, asked for the JSON of GraphQL responses', { query: '{ disclosurePolicy { name } }' }, ACCEPT_GRAPHQL],
  [
    'a known document, asked for the JSON of GraphQL responses',
    { query: ENTITIES(USER_FIELDS), variables: { r: users } },
    { ...VERIFIED_VIEWER, ...ACCEPT_GRAPHQL },
  ],
  [
    'a known document with more representations than a request may carry',
    {
      query: ENTITIES(USER_FIELDS),
      variables: { r: Array.from({ length: 1001 }, (_, i) => ({ __typename: 'User', id: `many-${i}` })) },
    },
  ],
  [
    'a known document with a member Apollo refuses',
    {
      query: ENTITIES(USER_FIELDS),
      variables: { r: users },
      extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } },
    },
  ],
  [
    'a known document whose answer has an error',
    { query: ENTITIES(USER_FIELDS), variables: { r: [{ __typename: 'User' }, users[0]] } },
    VERIFIED_VIEWER,
  ],
  [
    'a known document with a malformed viewer header',
    { query: ENTITIES(USER_FIELDS), variables: { r: users } },
    { 'x-viewer-verified': 'maybe' },
  ],
];

let answeredWithoutErrors = 0;

it.each(requests)('%s', async (_name, body, headers = {}) => {
  const fromInterpreted = await interpreted.post(body, headers);
  for (let time = 0; time < 2; time += 1) {
    const fromCompiled = await compiled.post(body, headers);
    if (fromCompiled.body.errors === undefined) answeredWithoutErrors += 1;
    expect(fromCompiled.status).toBe(fromInterpreted.status);
    expect(fromCompiled.text).toBe(fromInterpreted.text);
    for (const header of ['content-type', 'cache-control']) {
      expect(fromCompiled.headers.get(header)).toBe(fromInterpreted.headers.get(header));
    }
  }
});

it('graphql-jit answered the error-free queries; graphql-js the mutations and the answers with errors', async () => {
  const metrics = await (await fetch(`${compiled.app.url}/metrics`)).text();
  const executed = (executor: string, pipeline?: string) => {
    let total = 0;
    const labels = new RegExp(
      `^identity_graphql_executions_total\\{executor="${executor}",pipeline="(\\w+)"\\} (\\d+)$`,
      'gm',
    );
    for (const [, through, count] of metrics.matchAll(labels)) {
      if (pipeline === undefined || through === pipeline) total += Number(count);
    }
    return total;
  };
  expect(executed('graphql-jit')).toBe(answeredWithoutErrors);
  expect(executed('graphql-js')).toBeGreaterThanOrEqual(5);
  // Every error-free document was asked twice: the second time, at least, without Apollo's pipeline.
  expect(executed('graphql-jit', 'known')).toBeGreaterThanOrEqual(answeredWithoutErrors / 2);
  expect(executed('graphql-js', 'known')).toBe(0);
});

// What one request may ask, and the clear error past each limit. Also what production hides.
import { userRef, useTestServer } from '../../support/server';

const server = useTestServer({
  env: {
    NODE_ENV: 'production',
    ALLOW_UNAUTHENTICATED: 'true',
    MAX_REPRESENTATIONS: '50',
    MAX_BODY_BYTES: '20000',
    MAX_QUERY_DEPTH: '3',
    MAX_ALIASES: '3',
    MAX_QUERY_COST: '30',
  },
});

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id displayName } } }';

it('more representations than MAX_REPRESENTATIONS is one clear error (a 400), and no query', async () => {
  const before = server.accountQueries().length;
  const { body, status } = await server.post({
    query: ENTITIES,
    variables: { r: Array.from({ length: 51 }, (_, i) => userRef(`u${i}`)) },
  });
  expect(status).toBe(400);
  expect(body.errors?.[0]).toMatchObject({
    message: '_entities takes at most 50 representations a request, got 51',
    extensions: { code: 'BAD_USER_INPUT' },
  });
  expect(server.accountQueries().length).toBe(before);
  const ok = await server.post({
    query: ENTITIES,
    variables: { r: Array.from({ length: 50 }, (_, i) => userRef(`u${i}`)) },
  });
  expect(ok.body.errors).toBeUndefined();
});

it('a body over MAX_BODY_BYTES is refused with 413', async () => {
  const response = await server.post({ query: ENTITIES, variables: { r: [userRef('x'.repeat(30_000))] } });
  expect(response.status).toBe(413);
  expect(response.body.errors?.[0]).toMatchObject({
    message: 'the request body is over 20000 bytes',
    extensions: { code: 'PAYLOAD_TOO_LARGE' },
  });
});

it('a query deeper than MAX_QUERY_DEPTH is refused', async () => {
  const { body } = await server.post({ query: '{ disclosurePolicy { name } a: disclosurePolicy { name } }' });
  expect(body.errors).toBeUndefined();
  const deep = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { identityLabel { stage { name } } } } }`;
  const rejected = await server.post({ query: deep, variables: { r: [] } });
  expect(rejected.body.errors?.[0]?.message).toMatch(/depth limit of 3/i);
});

it('more aliases than MAX_ALIASES are refused', async () => {
  const { body } = await server.post({
    query:
      '{ a: disclosurePolicy { name } b: disclosurePolicy { name } c: disclosurePolicy { name } d: disclosurePolicy { name } }',
  });
  expect(body.errors?.[0]?.message).toMatch(/aliases limit of 3/i);
});

it('a query costing more than MAX_QUERY_COST is refused', async () => {
  const fields = 'id name minFollowers categories effectiveFrom noticeDays mode';
  const { body } = await server.post({
    query: `{ a: disclosurePolicy { ${fields} } b: disclosurePolicy { ${fields} } c: disclosurePolicy { ${fields} } }`,
  });
  expect(body.errors?.[0]?.message).toMatch(/cost limit of 30/i);
});

it('GET is not served: a query in the URL would end up in logs and proxies', async () => {
  const response = await fetch(
    `${server.app.url}/graphql?query=${encodeURIComponent('{ disclosurePolicy { name } }')}`,
  );
  expect(response.status).toBe(404);
});

it('batched HTTP operations are refused', async () => {
  const response = await server.post([
    { query: '{ disclosurePolicy { name } }' },
    { query: '{ disclosurePolicy { name } }' },
  ]);
  expect(response.status).toBe(400);
  expect(response.text).toMatch(/batching/i);
});

it('production: no introspection, no field suggestions, no stack traces, no landing page', async () => {
  const introspection = await server.post({ query: '{ __type(name: "User") { name } }' });
  expect(introspection.body.errors?.[0]?.message).toMatch(/introspection/i);
  const typo = await server.post({ query: '{ disclosurePolicyy { name } }' });
  expect(typo.text).not.toMatch(/did you mean/i);
  expect(typo.text).not.toMatch(/stacktrace/i);
  const landing = await fetch(`${server.app.url}/graphql`, { headers: { accept: 'text/html' } });
  expect(await landing.text()).not.toMatch(/<html/i);
});

// The subgraph runs without Apollo's per-field plugins (see src/graphql/plugins.ts); what they gave that
// matters is kept: no answer that depends on the viewer is cacheable, the policy (the same for everyone) is,
// for a while, and a router can still get federated traces when we opt in.
import { startTestServer, userRef, VERIFIED_VIEWER, type TestServer } from '../../support/server';

const QUERY = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { displayName } } }';

async function askWithTrace(server: TestServer): Promise<{ cacheControl: string | null; trace: unknown }> {
  const response = await fetch(`${server.app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1', ...VERIFIED_VIEWER },
    body: JSON.stringify({ query: QUERY, variables: { r: [userRef('demo-disclosed')] } }),
  });
  const body = (await response.json()) as { extensions?: { ftv1?: unknown } };
  return { cacheControl: response.headers.get('cache-control'), trace: body.extensions?.ftv1 };
}

describe.each([
  ['by default', {}, false],
  ['with INLINE_TRACING=true', { INLINE_TRACING: 'true' }, true],
])('%s', (_name, env, traced) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(env); // the embedded demo database is enough here
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers are never cacheable: they depend on the viewer', async () => {
    expect((await askWithTrace(server)).cacheControl).toBe('no-store');
  });

  it(`${traced ? 'gives' : 'gives no'} federated trace (ftv1) to a router that asks for one`, async () => {
    const { trace } = await askWithTrace(server);
    if (traced) expect(typeof trace).toBe('string');
    else expect(trace).toBeUndefined();
  });
});

describe('cache-control', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ POLICY_REFRESH_SECONDS: '3600' }); // the embedded demo database
  });
  afterAll(async () => {
    await server?.close();
  });

  async function cacheControlOf(query: string, headers: Record<string, string> = VERIFIED_VIEWER) {
    const response = await fetch(`${server.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    return response.headers.get('cache-control');
  }

  it('the policy alone is the same for every viewer: public for a minute, signed in or not', async () => {
    expect(await cacheControlOf('{ disclosurePolicy { name minFollowers } }')).toBe('public, max-age=60');
    expect(await cacheControlOf('query Policy { stages: disclosurePolicy { name } __typename }', {})).toBe(
      'public, max-age=60',
    );
  });

  it.each([
    ['the policy with the owner’s data beside it', '{ disclosurePolicy { name } myIdentityData { userId } }'],
    ['the owner’s data', '{ myIdentityData { userId } }'],
    ['a mutation', 'mutation { setRealNameConsent(consent: false) { status } }'],
    [
      'the policy asked through a fragment (not looked into)',
      '{ ...P } fragment P on Query { disclosurePolicy { name } }',
    ],
    ['the policy with an error', '{ disclosurePolicy { nope } }'],
    ['introspection', '{ __schema { queryType { name } } }'],
  ])('anything else is no-store: %s', async (_case, query) => {
    expect(await cacheControlOf(query)).toBe('no-store');
  });

  it('a policy kept longer than POLICY_REFRESH_SECONDS would outlive a refresh: max-age is no longer than it', async () => {
    const refreshed = await startTestServer({ POLICY_REFRESH_SECONDS: '15' });
    try {
      const response = await fetch(`${refreshed.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ disclosurePolicy { name } }' }),
      });
      expect(response.headers.get('cache-control')).toBe('public, max-age=15');
    } finally {
      await refreshed.close();
    }
  });
});

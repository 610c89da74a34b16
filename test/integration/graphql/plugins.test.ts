// The subgraph runs without Apollo's per-field plugins (see src/graphql/plugins.ts); what they gave that
// matters is kept: no response is cacheable, and a router can still get federated traces when we opt in.
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

// @authenticated, enforced by the router before it calls this subgraph: Hive Gateway (its generic auth, as
// docker/gateway.config.ts sets it for the compose file and examples/hive-gateway.ts runs it) refuses an
// anonymous consent or owner's view without a single request to identity-labels. A router that does not
// enforce the directive (Apollo Gateway; an Apollo Router without a GraphOS license refuses to start on it,
// see docs/operations.md) passes the call on, and the subgraph refuses it itself, as it does when called
// directly (test/integration/consent/consent.test.ts and test/integration/owner-data/my-identity-data.test.ts:
// "an anonymous caller gets UNAUTHENTICATED").
import { startGateway } from '../../../examples/gateway';
import { startHiveGateway } from '../../../examples/hive-gateway';
import type { RunningServer } from '../../../examples/serve';
import { composeSupergraph, IDENTITY_SUBGRAPH, localSubgraphs } from '../../../examples/supergraph';
import { anAccount } from '../../support/factories';
import { useTestServer, type GraphQLResponse } from '../../support/server';
import { onTeardown } from '../../support/teardown';

const ROUTER_SECRET = 'a-router-secret-for-the-tests';
const NOW = new Date('2026-11-25T12:00:00Z');
const OWNER = 'auth-owner';
const identity = useTestServer({
  now: NOW,
  env: { ROUTER_SECRET },
  accounts: [anAccount({ userId: OWNER, followerCount: 2_000_000, notifiedAt: new Date('2026-11-20T00:00:00Z') })],
});

type Router = 'Hive Gateway' | 'Apollo Gateway';
const routers: Record<Router, string> = { 'Hive Gateway': '', 'Apollo Gateway': '' };
const fetchesToIdentity: Record<Router, number> = { 'Hive Gateway': 0, 'Apollo Gateway': 0 };
let running: RunningServer[] = [];

beforeAll(async () => {
  // The users and posts subgraphs are never called by these operations: nothing listens at their URLs.
  const { supergraphSdl } = composeSupergraph(
    localSubgraphs({
      identity: `${identity.app.url}/graphql`,
      users: 'http://127.0.0.1:9/graphql',
      posts: 'http://127.0.0.1:9/graphql',
    }),
  );
  const counted = (router: Router) => (subgraph: string) => {
    if (subgraph === IDENTITY_SUBGRAPH) fetchesToIdentity[router] += 1;
  };
  const hive = await startHiveGateway({
    supergraphSdl,
    port: 0,
    routerSecret: ROUTER_SECRET,
    observeFetch: counted('Hive Gateway'),
  });
  const apollo = await startGateway({
    supergraphSdl,
    port: 0,
    routerSecret: ROUTER_SECRET,
    observeFetch: counted('Apollo Gateway'),
  });
  running = [hive, apollo];
  routers['Hive Gateway'] = hive.url;
  routers['Apollo Gateway'] = apollo.url;
});

onTeardown(async () => {
  for (const server of running) await server.close();
});

/** GraphQL requests the subgraph itself answered, as its /metrics counts them. */
async function requestsTheSubgraphSaw(): Promise<number> {
  const text = await (await fetch(`${identity.app.url}/metrics`)).text();
  let seen = 0;
  for (const [, count] of text.matchAll(
    /^identity_http_requests_total\{route="\/graphql",method="POST",[^}]*\} (\d+)$/gm,
  )) {
    seen += Number(count);
  }
  return seen;
}

async function through(router: Router, query: string, headers: Record<string, string> = {}) {
  const before = {
    fetches: fetchesToIdentity[router],
    seen: await requestsTheSubgraphSaw(),
    sql: identity.queries.length,
  };
  const response = await fetch(routers[router], {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as GraphQLResponse;
  return {
    status: response.status,
    body,
    fetches: fetchesToIdentity[router] - before.fetches,
    seenBySubgraph: (await requestsTheSubgraphSaw()) - before.seen,
    sqlStatements: identity.queries.length - before.sql,
  };
}

const CONSENT = 'mutation { setRealNameConsent(consent: true) { status } }';
const OWNER_DATA = '{ myIdentityData { userId } }';
const SIGNED_IN = { 'x-viewer-id': OWNER, 'x-viewer-verified': 'true' };

describe('Hive Gateway, enforcing @authenticated', () => {
  it.each([
    ['the consent mutation', CONSENT],
    ['the owner’s data', OWNER_DATA],
  ])('refuses %s to an anonymous caller without calling the subgraph', async (_what, query) => {
    const result = await through('Hive Gateway', query);
    expect(result.body.data ?? null).toBeNull();
    expect(result.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(result.status).toBe(401);
    expect(result).toMatchObject({ fetches: 0, seenBySubgraph: 0, sqlStatements: 0 });
  });

  it('lets a signed-in viewer’s consent through, to the subgraph that stores it', async () => {
    const result = await through('Hive Gateway', CONSENT, SIGNED_IN);
    expect(result.body).toEqual({ data: { setRealNameConsent: { status: 'DISCLOSED' } } });
    expect(result).toMatchObject({ fetches: 1, seenBySubgraph: 1 });
  });

  it('still answers what is open to anyone: the policy', async () => {
    const result = await through('Hive Gateway', '{ disclosurePolicy { name } }');
    expect(result.body.errors).toBeUndefined();
    expect(result.fetches).toBe(1);
  });
});

describe('Apollo Gateway, which does not enforce @authenticated', () => {
  it('passes an anonymous consent on, and the subgraph refuses it itself: UNAUTHENTICATED, nothing written', async () => {
    const result = await through('Apollo Gateway', CONSENT);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result).toMatchObject({ fetches: 1, seenBySubgraph: 1, sqlStatements: 0 });
  });
});

// The router of docker/compose.yaml, checked without a Docker engine: Hive Gateway's image replayed from the
// npm package of the version it pins (test/support/compose.ts), with the compose file's mounts (the gateway
// configuration, docker/supergraph.graphql), command and environment, in front of a real identity-labels.
import { startComposeRouter } from '../support/compose';
import { anAccount } from '../support/factories';
import { useTestServer, type GraphQLResponse } from '../support/server';
import { startedForTheFile } from '../support/teardown';

const ROUTER_SECRET = 'a-router-secret-for-the-compose-router';
const OWNER = 'compose-owner';
const identity = useTestServer({
  now: new Date('2026-11-25T12:00:00Z'),
  env: { ROUTER_SECRET },
  accounts: [anAccount({ userId: OWNER, followerCount: 2_000_000, notifiedAt: new Date('2026-11-20T00:00:00Z') })],
});
const router = startedForTheFile(
  () =>
    startComposeRouter({
      variables: { ROUTER_SECRET },
      // Nothing listens for the users and posts subgraphs: these operations never reach them.
      hosts: {
        'identity-labels:4001': new URL(identity.app.url).host,
        'users:4002': '127.0.0.1:9',
        'posts:4003': '127.0.0.1:9',
      },
    }),
  (started) => started.stop(),
);

async function consent(headers: Record<string, string>) {
  const response = await fetch(router.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: 'mutation { setRealNameConsent(consent: true) { status } }' }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse };
}

it('refuses an anonymous consent itself (@authenticated), before identity-labels sees it', async () => {
  const statements = identity.queries.length;
  const { status, body } = await consent({});
  expect(status).toBe(401);
  expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE'); // the subgraph's is UNAUTHENTICATED
  expect(identity.queries.length).toBe(statements);
});

it('passes a signed-in viewer’s consent to identity-labels, with the viewer and the router secret: stored', async () => {
  const { body } = await consent({ 'x-viewer-id': OWNER, 'x-viewer-verified': 'true' });
  expect(body).toEqual({ data: { setRealNameConsent: { status: 'DISCLOSED' } } });
});

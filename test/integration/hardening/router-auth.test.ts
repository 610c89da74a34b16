// With ROUTER_SECRET set, only the router gets in; and nothing a caller sends can change who is disclosed.
import http from 'node:http';
import { anAccount } from '../../support/factories';
import { USER_FIELDS, userRef, useTestServer } from '../../support/server';

const SECRET = 'correct-horse-battery-staple';
const ROUTER = { 'router-authorization': SECRET, 'x-viewer-id': 'v', 'x-viewer-verified': 'true' };

const server = useTestServer({
  env: { ROUTER_SECRET: SECRET, NODE_ENV: 'production' },
  accounts: [
    anAccount({ userId: 'quiet', realName: 'Ma Chao', followerCount: 1_500_000 }), // NOTICE: not disclosed
    anAccount({ userId: 'open', realName: 'Zhao Yun', followerCount: 10, consent: 'YES' }),
  ],
});

const entitiesBody = {
  query: `query($r: [_Any!]!) { _entities(representations: $r) { ${USER_FIELDS} } }`,
  variables: { r: [userRef('open')] },
};

it.each([
  ['no router-authorization header', { 'x-viewer-id': 'v', 'x-viewer-verified': 'true' }],
  ['a wrong secret', { ...ROUTER, 'router-authorization': 'correct-horse-battery-stapler' }],
  ['the secret with different case', { ...ROUTER, 'router-authorization': SECRET.toUpperCase() }],
])('a GraphQL request with %s gets 401 and nothing else', async (_case, headers) => {
  const response = await server.post(entitiesBody, headers);
  expect(response.status).toBe(401);
  expect(response.body).toEqual({ errors: [{ message: 'unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] });
  expect(response.text).not.toContain('Zhao Yun');
});

it('the router, with the secret, gets its answer', async () => {
  const response = await server.post(entitiesBody, ROUTER);
  expect(response.status).toBe(200);
  expect(response.body.data?._entities).toEqual([expect.objectContaining({ verifiedRealName: 'Zhao Yun' })]);
});

it('/health, /ready and /metrics stay open', async () => {
  for (const path of ['/health', '/ready', '/metrics']) {
    expect((await fetch(`${server.app.url}${path}`)).status).toBe(200);
  }
});

it('_service { sdl } stays available to the router in production, introspection does not', async () => {
  const sdl = await server.post({ query: '{ _service { sdl } }' }, ROUTER);
  expect(String((sdl.body.data?._service as { sdl: string }).sdl)).toContain('type User @key(fields: "id")');
  const introspection = await server.post({ query: '{ __schema { types { name } } }' }, ROUTER);
  expect(introspection.body.errors?.[0]?.message).toMatch(/introspection/i);
});

it('forged representation fields change nothing but the echoed nickname', async () => {
  const forged = [
    {
      __typename: 'User',
      id: 'quiet',
      nickname: 'forged-nick',
      followerCount: 1,
      realName: 'Somebody Else',
      consent: 'YES',
      verifiedRealName: 'Injected Name',
      identityLabel: { status: 'DISCLOSED', realName: 'Injected Name' },
    },
  ];
  const response = await server.post(
    { query: `query($r: [_Any!]!) { _entities(representations: $r) { ${USER_FIELDS} } }`, variables: { r: forged } },
    ROUTER,
  );
  expect(response.body.data?._entities).toEqual([
    expect.objectContaining({
      displayName: 'forged-nick',
      verifiedRealName: null,
      identityLabel: expect.objectContaining({ status: 'NOTICE', realName: null }),
    }),
  ]);
  expect(response.text).not.toMatch(/Ma Chao|Injected Name|Somebody Else/);
});

it('a connection that has shown the secret gets 401 for a request without it, as any other', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (headers: Record<string, string>) =>
    new Promise<{ status: number; text: string; reusedSocket: boolean }>((resolve, reject) => {
      const request = http.request(
        `${server.app.url}/graphql`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, text, reusedSocket: request.reusedSocket }));
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify(entitiesBody));
    });
  try {
    expect((await post(ROUTER)).status).toBe(200);
    const wrong = await post({ ...ROUTER, 'router-authorization': `${SECRET}x` });
    const none = await post({ 'x-viewer-id': 'v', 'x-viewer-verified': 'true' });
    const again = await post(ROUTER);
    expect([wrong.reusedSocket, none.reusedSocket, again.reusedSocket]).toEqual([true, true, true]);
    expect([wrong.status, none.status, again.status]).toEqual([401, 401, 200]);
    expect(wrong.text + none.text).not.toContain('Zhao Yun');
  } finally {
    agent.destroy();
  }
});

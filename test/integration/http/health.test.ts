import { useTestServer } from '../../support/server';

const server = useTestServer();

it('GET /health says the process is alive', async () => {
  const response = await fetch(`${server.app.url}/health`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
});

it('GET /ready is 200 while the database answers, 503 when it does not', async () => {
  const ready = await fetch(`${server.app.url}/ready`);
  expect(ready.status).toBe(200);
  await server.app.dataSource.destroy(); // the pool is gone: the database is unreachable from here
  const notReady = await fetch(`${server.app.url}/ready`);
  expect(notReady.status).toBe(503);
  expect(await notReady.json()).toEqual({ status: 'not ready', reason: 'database unreachable' });
  await server.app.dataSource.initialize();
});

it('an _entities request when the database is gone is IDENTITY_UNAVAILABLE, never a real name or a crash', async () => {
  await server.app.dataSource.destroy();
  const { status, body } = await server.post({
    query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id verifiedRealName } } }',
    variables: { r: [{ __typename: 'User', id: 'someone', nickname: 'n' }] },
  });
  await server.app.dataSource.initialize();
  expect(status).toBe(200);
  expect(body.errors?.[0]).toMatchObject({
    message: 'identity data is unavailable, try again later',
    extensions: { code: 'IDENTITY_UNAVAILABLE' },
  });
});

// SIGTERM: in-flight requests finish, then the pool closes, then the process exits 0.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { useDatabaseProxy, useTestDatabase } from '../../support/database';
import { built } from '../../support/paths';

const ENTRY = built('src', 'index.js');

const database = useTestDatabase();
const proxy = useDatabaseProxy();

it('drains an in-flight request before exiting 0', async () => {
  const child = spawn(process.execPath, [ENTRY], {
    env: {
      ...process.env,
      DATABASE_URL: proxy.urlFor(database.url),
      PORT: '0',
      HOST: '127.0.0.1',
      DB_QUERY_TIMEOUT_MS: '10000',
    },
    stdio: 'pipe',
  });
  let url = '';
  for await (const line of createInterface({ input: child.stdout })) {
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'identity-labels subgraph ready') {
      url = entry.url!;
      break;
    }
  }
  child.stdout.resume(); // keep draining its log lines: a full pipe would block the child
  proxy.stall(); // the next lookup waits on the database...
  const inFlight = fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query:
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { displayName identityLabel { status } } } }',
      variables: { r: [{ __typename: 'User', id: 'someone', nickname: 'n' }] },
    }),
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.kill('SIGTERM'); // ...while the service is told to stop...
  await new Promise((resolve) => setTimeout(resolve, 300));
  proxy.restore(); // ...and the database comes back: the request completes, then the process exits.

  const response = await inFlight;
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    data: { _entities: [{ displayName: 'n', identityLabel: { status: 'NOT_SUBJECT' } }] },
  });
  const [code] = await once(child, 'exit');
  expect(code).toBe(0);
});

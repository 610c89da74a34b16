// A replica the service may not use is kept out of rotation with the real cause in /ready: a wrong password
// is not a missing grant. The shared MariaDB stands in for the replica: the access checks come before any
// replication status is read.
import { randomBytes } from 'node:crypto';
import { useTestDatabase } from '../../support/database';
import { startTestServer, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';

const database = useTestDatabase();
const USER = `replica_${randomBytes(4).toString('hex')}`;
const PASSWORD = 'the-right-replica-password';
const WRONG_PASSWORD = 'a-wrong-replica-password';

function replicaUrl(password: string): string {
  const url = new URL(database.url);
  url.username = USER;
  url.password = password;
  return url.href;
}

let admin: TestServer;
beforeAll(async () => {
  admin = await startTestServer({ DATABASE_URL: database.url, NOTIFY_INTERVAL_SECONDS: '0' });
  onTeardown(() => admin.close());
  // May read the data, not the replication status.
  await admin.app.dataSource.query(`CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASSWORD}'`);
  await admin.app.dataSource.query(`GRANT SELECT ON \`${database.name}\`.* TO '${USER}'@'%'`);
  onTeardown(async () => {
    await admin.app.dataSource.query(`DROP USER IF EXISTS '${USER}'@'%'`);
  });
});

async function readinessWithReplica(password: string): Promise<{ text: string; body: any }> {
  const server = await startTestServer({
    DATABASE_URL: database.url,
    DATABASE_REPLICA_URLS: replicaUrl(password),
    NOTIFY_INTERVAL_SECONDS: '0',
  });
  try {
    const text = await (await fetch(`${server.app.url}/ready`)).text();
    return { text, body: JSON.parse(text) };
  } finally {
    await server.close();
  }
}

it('a wrong password is reported as access denied, with no grant to give', async () => {
  const { text, body } = await readinessWithReplica(WRONG_PASSWORD);
  expect(body).toMatchObject({ status: 'ready', replicas: [{ inRotation: false }] });
  const reason: string = body.replicas[0].reason;
  expect(reason).toMatch(/access denied \(ER_ACCESS_DENIED_ERROR\)/);
  expect(reason).toMatch(/user and password/);
  expect(reason).not.toMatch(/grant|REPLICA MONITOR/);
  expect(text).not.toContain(WRONG_PASSWORD);
  expect(text).not.toContain(PASSWORD);
});

it('the right password without the right to read the replication status is told which right to grant', async () => {
  const { text, body } = await readinessWithReplica(PASSWORD);
  expect(body.replicas[0]).toMatchObject({
    inRotation: false,
    reason: expect.stringMatching(/grant the replica URL's user REPLICA MONITOR/),
  });
  expect(text).not.toContain(PASSWORD);
});

// The read path on a real replica (a private MariaDB primary and a replica following it by GTID): reads go to
// the replica, writes to the primary; a replica that stops or falls behind is taken out of rotation with no
// failed request, and put back when it is well again.
import { anAccount, insertAccounts } from '../../support/factories';
import { useReplicatedMariaDb } from '../../support/replicated-mariadb';
import { startTestServer, userRef, VERIFIED_VIEWER, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';
import { waitUntil } from '../../support/wait-until';

const NOW = new Date('2026-11-25T08:00:00Z');
const FIELDS = '... on User { id verifiedRealName identityLabel { status } }';
const subject = { followerCount: 2_000_000, notifiedAt: new Date('2026-11-20T00:00:00Z') };
const READERS = 8;

const pair = useReplicatedMariaDb();
let server: TestServer;
let replica = '';

beforeAll(async () => {
  const database = await pair.createDatabase();
  replica = new URL(pair.replicaUrl()).host;
  server = await startTestServer(
    {
      DATABASE_URL: pair.primaryUrl(database),
      DATABASE_REPLICA_URLS: pair.replicaUrl(database),
      REPLICA_CHECK_SECONDS: '1',
      REPLICA_MAX_LAG_SECONDS: '1',
      NOTIFY_INTERVAL_SECONDS: '0',
    },
    NOW,
  );
  onTeardown(() => server.close());
  await insertAccounts(server.app.dataSource, [
    anAccount({ userId: 'disclosed', realName: 'Guo Jing', ...subject, consent: 'YES', consentAt: NOW }),
    anAccount({ userId: 'in-notice', realName: 'Huang Rong', ...subject }),
  ]);
  await pair.waitForReplica();
});

async function label(userId: string): Promise<{ verifiedRealName: string | null; identityLabel: { status: string } }> {
  const body = await server.entities([userRef(userId)], FIELDS, VERIFIED_VIEWER);
  expect(body.errors).toBeUndefined();
  return (body.data?._entities as never[])[0]!;
}

async function readiness(): Promise<{ status: string; replicas: { replica: string; inRotation: boolean }[] }> {
  return (await (await fetch(`${server.app.url}/ready`)).json()) as never;
}

/** Changes in rotation wait for a check of the replica, every second. */
const until = (condition: () => Promise<boolean>, what: string, withinMs = 10_000) =>
  waitUntil(condition, what, withinMs, 50);

const inRotation = async () => (await readiness()).replicas[0]?.inRotation === true;

/** Keeps READERS clients asking for labels until stopped; counts the answers that were not clean. */
function keepReading() {
  let stopped = false;
  const outcome = { answered: 0, failed: [] as string[] };
  const reader = async () => {
    while (!stopped) {
      const body = await server.entities([userRef('disclosed'), userRef('in-notice')], FIELDS, VERIFIED_VIEWER);
      if (body.errors === undefined) outcome.answered += 1;
      else outcome.failed.push(JSON.stringify(body.errors));
    }
  };
  const readers = Array.from({ length: READERS }, reader);
  return {
    outcome,
    stop: async () => {
      stopped = true;
      await Promise.all(readers);
      return outcome;
    },
  };
}

it('reads labels on the replica, and shows it in /ready and /metrics', async () => {
  await until(inRotation, 'replica in rotation');
  const before = server.accountQueries(replica).length;
  expect(await label('disclosed')).toMatchObject({
    verifiedRealName: 'Guo Jing',
    identityLabel: { status: 'DISCLOSED' },
  });
  expect(server.accountQueries(replica).length).toBe(before + 1);
  expect(await readiness()).toEqual({
    status: 'ready',
    replicas: [{ replica, inRotation: true, lagSeconds: 0 }],
  });
  const metrics = await (await fetch(`${server.app.url}/metrics`)).text();
  expect(metrics).toContain(`identity_db_replica_in_rotation{replica="${replica}"} 1`);
  expect(metrics).toContain(`identity_db_replica_lag_seconds{replica="${replica}"} 0`);
  expect(metrics).toMatch(/identity_db_reads_total\{target="replica",fell_back="false"\} [1-9]/);
});

it('writes the consent on the primary and answers with what it wrote; the replica shows it next', async () => {
  const { body } = await server.post(
    { query: 'mutation { setRealNameConsent(consent: true) { status } }' },
    { 'x-viewer-id': 'in-notice' },
  );
  expect(body.data?.setRealNameConsent).toEqual({ status: 'DISCLOSED' }); // read its own write
  await pair.waitForReplica();
  expect(await label('in-notice')).toMatchObject({ verifiedRealName: 'Huang Rong' });
});

it('a replica stopped under load fails no request: reads move to the primary, and back when it returns', async () => {
  await until(inRotation, 'replica in rotation');
  const load = keepReading();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await pair.stopReplica();
  await until(async () => !(await inRotation()), 'replica out of rotation');
  const primaryBefore = server.accountQueries('primary').length;
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(server.accountQueries('primary').length).toBeGreaterThan(primaryBefore); // the primary answers now
  await pair.startReplica();
  await pair.waitForReplica();
  await until(inRotation, 'replica back in rotation', 15_000);
  const replicaBefore = server.accountQueries(replica).length;
  await new Promise((resolve) => setTimeout(resolve, 300));
  const outcome = await load.stop();
  expect(server.accountQueries(replica).length).toBeGreaterThan(replicaBefore); // and the replica again
  expect(outcome.failed).toEqual([]);
  expect(outcome.answered).toBeGreaterThan(0);
  process.stdout.write(`replica stopped under load: ${outcome.answered} answered, ${outcome.failed.length} failed\n`);
});

it('a replica whose replication stops is taken out of rotation: a change made meanwhile is read from the primary', async () => {
  await until(inRotation, 'replica in rotation');
  await pair.pauseReplication();
  await until(async () => !(await inRotation()), 'lagging replica out of rotation');
  expect((await readiness()).replicas[0]).toMatchObject({
    inRotation: false,
    reason: expect.stringMatching(/stopped/),
  });
  const { body } = await server.post(
    { query: 'mutation { setRealNameConsent(consent: false) { status } }' },
    { 'x-viewer-id': 'disclosed' },
  );
  expect(body.data?.setRealNameConsent).toEqual({ status: 'REFUSED' });
  expect(await label('disclosed')).toMatchObject({ verifiedRealName: null }); // the replica still has the consent
  await pair.resumeReplication();
  await until(inRotation, 'replica back in rotation');
  expect(await label('disclosed')).toMatchObject({ verifiedRealName: null });
});

it('an instance started while its replica is down starts, reads on the primary, and takes the replica in once it answers', async () => {
  await pair.stopReplica();
  const late = await startTestServer(
    {
      DATABASE_URL: server.databaseUrl,
      DATABASE_REPLICA_URLS: pair.replicaUrl(new URL(server.databaseUrl!).pathname.slice(1)),
      REPLICA_CHECK_SECONDS: '1',
      NOTIFY_INTERVAL_SECONDS: '0',
    },
    NOW,
  );
  onTeardown(() => late.close());
  const ready = async () =>
    (await (await fetch(`${late.app.url}/ready`)).json()) as { status: string; replicas: { inRotation: boolean }[] };
  expect(await ready()).toMatchObject({
    status: 'ready',
    replicas: [{ replica, inRotation: false, lagSeconds: null, reason: expect.stringMatching(/unreachable/) }],
  });
  const body = await late.entities([userRef('in-notice')], FIELDS, VERIFIED_VIEWER);
  expect(body.errors).toBeUndefined();
  expect(late.accountQueries('primary').length).toBeGreaterThan(0);
  await pair.startReplica();
  await until(async () => (await ready()).replicas[0]?.inRotation === true, 'replica taken in by the late instance');
  const before = late.accountQueries(replica).length;
  await late.entities([userRef('in-notice')], FIELDS, VERIFIED_VIEWER);
  expect(late.accountQueries(replica).length).toBe(before + 1);
});

it('a replica whose user may not read its replication status stays out, saying which right to grant', async () => {
  const databaseName = new URL(server.databaseUrl!).pathname.slice(1);
  const password = 'reader-secret-pw';
  await server.app.dataSource.query(`CREATE USER 'status_blind'@'%' IDENTIFIED BY '${password}'`);
  await server.app.dataSource.query(`GRANT SELECT ON \`${databaseName}\`.* TO 'status_blind'@'%'`);
  await pair.waitForReplica();
  const replicaUrl = new URL(pair.replicaUrl(databaseName));
  replicaUrl.username = 'status_blind';
  replicaUrl.password = password;
  const blind = await startTestServer(
    { DATABASE_URL: server.databaseUrl, DATABASE_REPLICA_URLS: replicaUrl.href, NOTIFY_INTERVAL_SECONDS: '0' },
    NOW,
  );
  onTeardown(() => blind.close());
  const text = await (await fetch(`${blind.app.url}/ready`)).text();
  expect(JSON.parse(text)).toMatchObject({
    status: 'ready',
    replicas: [{ replica, inRotation: false, reason: expect.stringMatching(/grant .*REPLICA MONITOR/) }],
  });
  expect(text).not.toContain(password);
  expect((await blind.entities([userRef('in-notice')], FIELDS, VERIFIED_VIEWER)).errors).toBeUndefined();
});

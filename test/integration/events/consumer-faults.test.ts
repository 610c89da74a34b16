// The consumer when what it stands on fails, on a nats-server of the file's own (stopped and started again,
// its stream kept on disk) and MySQL behind a proxy of the tests' own: NATS down at start-up and restarted
// mid-stream, the database dropped mid-stream. Reads keep working throughout; /ready and /metrics show the
// consumer's state; and the counts at the end prove that nothing was lost and nothing applied twice.
import { followersChanged } from '../../support/events';
import { useDatabaseProxy, useTestDatabase } from '../../support/database';
import { createTestStream, metricValue, newStreamName, streamEnv, type TestStream } from '../../support/nats';
import { usePrivateNats } from '../../support/private-nats';
import { startTestServer, userRef, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';
import { waitUntil } from '../../support/wait-until';

const nats = usePrivateNats();
const database = useTestDatabase();
const proxy = useDatabaseProxy();
const name = newStreamName();
let server: TestServer;
let stream: TestStream;

const ready = async () => {
  const response = await fetch(`${server.app.url}/ready`);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const readsWork = async () => {
  const body = await server.entities([userRef('anyone')], '... on User { identityLabel { status } }');
  return (body.data?._entities as { identityLabel: { status: string } }[])[0]!.identityLabel.status === 'NOT_SUBJECT';
};
const processed = async () =>
  Number((await server.app.dataSource.query('SELECT COUNT(*) AS n FROM processed_events'))[0].n);
const drained = async () => {
  const info = await stream.consumerInfo().catch(() => undefined);
  return info !== undefined && info.num_pending === 0 && info.num_ack_pending === 0;
};
/** Accounts whose follower count is not the one of their newest event (`count` for account `prefix-index`). */
const wrongCounts = async (prefix: string, count: (index: number) => number, accounts: number) => {
  const rows = (await server.app.dataSource.query('SELECT user_id, follower_count FROM accounts WHERE user_id LIKE ?', [
    `${prefix}-%`,
  ])) as { user_id: string; follower_count: number }[];
  const stored = new Map(rows.map((row) => [row.user_id, Number(row.follower_count)]));
  return Array.from({ length: accounts }, (_, index) => index).filter(
    (index) => stored.get(`${prefix}-${index}`) !== count(index),
  );
};

beforeAll(async () => {
  await nats.stop(); // down before the service starts
  server = await startTestServer({
    DATABASE_URL: proxy.urlFor(database.url),
    ...streamEnv(name, nats.url),
    EVENTS_BATCH_SIZE: '200',
    DB_QUERY_TIMEOUT_MS: '1000',
    NOTIFY_INTERVAL_SECONDS: '0',
  });
  onTeardown(() => server.close());
});
onTeardown(async () => {
  await stream?.close();
});

it('NATS down at start-up: the service starts, reads work, /ready says the consumer is connecting', async () => {
  expect(await readsWork()).toBe(true);
  expect(await ready()).toMatchObject({ status: 200, body: { status: 'ready', events: { state: 'connecting' } } });
  expect(await metricValue(server.app.url, 'identity_events_consumer_up')).toBe(0);
});

it('NATS up: the consumer finds the stream and consumes', async () => {
  await nats.start();
  stream = await createTestStream(nats.url, name);
  await stream.createConsumer(2000);
  await stream.publish(...Array.from({ length: 100 }, (_, index) => followersChanged(`first-${index}`, index, 30)));
  await waitUntil(drained, 'the first events consumed', 15_000);
  expect(await processed()).toBe(100);
  // /ready shows the consumer's lag as last looked at (every 2 s): it may still show events the stream had.
  await waitUntil(async () => (await ready()).body.events.pending === 0, '/ready to see no events pending', 5_000);
  expect((await ready()).body.events).toMatchObject({ state: 'consuming', pending: 0 });
});

it('NATS restarted mid-stream: reads keep working, the consumer resumes where it stopped, nothing lost or doubled', async () => {
  const ACCOUNTS = 1500;
  const events = Array.from({ length: 2 * ACCOUNTS }, (_, index) =>
    followersChanged(`restart-${index % ACCOUNTS}`, index, index < ACCOUNTS ? 60 : 30),
  );
  await stream.publish(...events.slice(0, 1500));
  await nats.stop(); // mid-stream: some of the first half applied, maybe not all
  const during = await processed();
  expect(await readsWork()).toBe(true);
  await waitUntil(async () => (await ready()).body.events?.state === 'reconnecting', 'reconnecting shown', 5000);
  expect((await ready()).status).toBe(200);

  await nats.start();
  await stream.available();
  await stream.publish(...events.slice(1500));
  // Acknowledgements sent while NATS was down are lost: those messages come back after the ack wait (2 s
  // here, 30 s by default) and are found applied already.
  await waitUntil(drained, 'every event acknowledged after the restart', 30_000);
  expect(await processed()).toBe(100 + events.length); // every event applied...
  expect(await wrongCounts('restart', (index) => index + ACCOUNTS, ACCOUNTS)).toEqual([]); // ...the newest won
  const applied = await metricValue(
    server.app.url,
    'identity_events_total{type="user.followers.changed",outcome="applied"}',
  );
  const stale = await metricValue(
    server.app.url,
    'identity_events_total{type="user.followers.changed",outcome="stale"}',
  );
  expect(applied + stale).toBe(100 + events.length); // ...each once
  expect(during).toBeLessThanOrEqual(100 + 1500);
  expect((await ready()).body.events).toMatchObject({ state: 'consuming' });
});

it('the database dropped mid-stream: nothing is acknowledged, the batch is retried with backoff, then applied once', async () => {
  const applied = () =>
    metricValue(server.app.url, 'identity_events_total{type="user.followers.changed",outcome="applied"}');
  const appliedBefore = await applied();
  const before = await processed();
  // The counter is the file's: a batch the earlier tests saw fail counts in it too.
  const retries = () => metricValue(server.app.url, 'identity_event_batch_retries_total');
  const retriesBefore = await retries();
  proxy.drop();
  try {
    await stream.publish(...Array.from({ length: 500 }, (_, index) => followersChanged(`dropped-${index}`, 7, 10)));
    await waitUntil(async () => (await retries()) >= retriesBefore + 2, 'the batch retried', 15_000);
    const info = await stream.consumerInfo();
    expect(info.num_ack_pending + info.num_pending).toBeGreaterThan(0); // not acknowledged
    expect((await ready()).body).toMatchObject({ status: 'not ready', events: { retrying: true } });
    expect(await metricValue(server.app.url, 'identity_events_retrying')).toBe(1);
  } finally {
    proxy.restore();
  }
  await waitUntil(drained, 'every event acknowledged once the database is back', 30_000);
  expect((await processed()) - before).toBe(500);
  expect((await applied()) - appliedBefore).toBe(500);
  expect(await wrongCounts('dropped', () => 7, 500)).toEqual([]);
  expect((await ready()).body.events).toMatchObject({ retrying: false });
});

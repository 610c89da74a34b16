// Two instances share the durable consumer: the work is split between them, and never done twice in effect;
// a threshold crossed on one shows NOTICE on both within seconds (their row caches kept true by the change
// feed, with a long TTL that only the feed can beat).
import { randomBytes } from 'node:crypto';
import { accountClosed, accountRow, followersChanged, verificationChanged } from '../../support/events';
import { metricValue, useTestStream } from '../../support/nats';
import { startTestServer, userRef, type TestServer } from '../../support/server';
import { useTestDatabase } from '../../support/database';
import { onTeardown } from '../../support/teardown';
import { waitUntil } from '../../support/wait-until';

const ACCOUNTS = 1000;
const stream = useTestStream();
const database = useTestDatabase();
const instances: TestServer[] = [];

beforeAll(async () => {
  const env = {
    DATABASE_URL: database.url,
    ...stream.env(),
    EVENTS_BATCH_SIZE: '100', // small batches: both instances get some
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_CHANNEL: `identity-labels-test:${randomBytes(6).toString('hex')}`,
    ACCOUNT_CACHE_TTL_MS: '600000',
    NOTIFY_INTERVAL_SECONDS: '0',
  };
  for (let index = 0; index < 2; index += 1) {
    const instance = await startTestServer(env);
    onTeardown(() => instance.close());
    instances.push(instance);
  }
});

const outcome = (instance: TestServer, outcomeName: string) =>
  metricValue(instance.app.url, `identity_events_total{type="user.followers.changed",outcome="${outcomeName}"}`);
const drained = async () => {
  const info = await stream.consumerInfo().catch(() => undefined);
  return info !== undefined && info.num_pending === 0 && info.num_ack_pending === 0;
};

it('split the work, and apply each event once: counts that add up', async () => {
  const older = Array.from({ length: ACCOUNTS }, (_, index) => followersChanged(`shared-${index}`, index, 60));
  const newer = Array.from({ length: ACCOUNTS }, (_, index) => followersChanged(`shared-${index}`, index + 1, 30));
  const duplicates = newer.slice(0, 200);
  for (let start = 0; start < ACCOUNTS; start += 100) {
    await stream.publish(...older.slice(start, start + 100), ...newer.slice(start, start + 100));
  }
  await stream.publish(...duplicates);
  await waitUntil(drained, 'every event acknowledged', 30_000);

  const applied = await Promise.all(instances.map((instance) => outcome(instance, 'applied')));
  const stale = await Promise.all(instances.map((instance) => outcome(instance, 'stale')));
  const duplicate = await Promise.all(instances.map((instance) => outcome(instance, 'duplicate')));
  expect(applied.every((count) => count > 0)).toBe(true); // both worked
  const sum = (counts: number[]) => counts.reduce((total, count) => total + count, 0);
  expect(sum(applied) + sum(stale)).toBe(2 * ACCOUNTS); // every distinct event once...
  expect(sum(duplicate)).toBe(duplicates.length); // ...and every copy recognized
  const [{ n }] = await instances[0]!.app.dataSource.query('SELECT COUNT(*) AS n FROM processed_events');
  expect(Number(n)).toBe(2 * ACCOUNTS);
  const wrong = await instances[0]!.app.dataSource.query(
    "SELECT COUNT(*) AS n FROM accounts WHERE user_id LIKE 'shared-%' AND follower_count <> CAST(SUBSTRING(user_id, 8) AS UNSIGNED) + 1",
  );
  expect(Number(wrong[0].n)).toBe(0); // the newer observation won everywhere
});

it('a threshold crossed shows NOTICE on both instances within 5 s', async () => {
  const labelOn = async (instance: TestServer) => {
    const body = await instance.entities([userRef('both-see-it')], '... on User { identityLabel { status } }');
    return (body.data?._entities as { identityLabel: { status: string } }[])[0]!.identityLabel.status;
  };
  await stream.publish(verificationChanged('both-see-it', { verification: 'VERIFIED', realName: '韩梅梅' }, 20));
  await waitUntil(
    async () => (await accountRow(instances[0]!.app.dataSource, 'both-see-it')) !== undefined,
    'stored',
    5000,
  );
  // Both instances read it now, and cache it (NOT_SUBJECT) for ten minutes.
  for (const instance of instances) expect(await labelOn(instance)).toBe('NOT_SUBJECT');
  const published = Date.now();
  await stream.publish(followersChanged('both-see-it', 2_000_000, 5));
  for (const instance of instances) {
    await waitUntil(async () => (await labelOn(instance)) === 'NOTICE', 'NOTICE on this instance', 5000);
  }
  expect(Date.now() - published).toBeLessThan(5000);
});

it('a closed account is gone on both instances within 5 s', async () => {
  const labelOn = async (instance: TestServer) => {
    const body = await instance.entities([userRef('both-see-it')], '... on User { identityLabel { status } }');
    return (body.data?._entities as { identityLabel: { status: string } }[])[0]!.identityLabel.status;
  };
  for (const instance of instances) expect(await labelOn(instance)).toBe('NOTICE'); // cached for ten minutes
  const published = Date.now();
  await stream.publish(accountClosed('both-see-it'));
  for (const instance of instances) {
    await waitUntil(async () => (await labelOn(instance)) === 'NOT_SUBJECT', 'gone on this instance', 5000);
  }
  expect(Date.now() - published).toBeLessThan(5000);
  expect(await accountRow(instances[0]!.app.dataSource, 'both-see-it')).toBeUndefined();
});

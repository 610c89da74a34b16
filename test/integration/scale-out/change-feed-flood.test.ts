// Junk on the change feed's channel (anyone who can reach Redis can publish there) is read as "everything
// changed": a flood of it must cost a reload of the policy stages or two, not one each, and must not flood
// the log, whether the database answers or not.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { useTestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';
import { waitUntil } from '../../support/wait-until';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHANNEL = `test:${randomUUID()}`; // other test files may share the Redis
const JUNK = 4000;

const logLines: string[] = [];
const server = useTestServer({
  env: { REDIS_URL, REDIS_CHANNEL: CHANNEL, NOTIFY_INTERVAL_SECONDS: '0', POLICY_REFRESH_SECONDS: '3600' },
  logLines,
});
const publisher = new Redis(REDIS_URL, { lazyConnect: true });
onTeardown(async () => {
  publisher.disconnect();
});

const stageLoads = () => server.queries.filter((sql) => /\bpolicy_stages\b/.test(sql) && /^\s*SELECT/i.test(sql));
const warnings = () => logLines.filter((line) => line.includes('policy stage refresh failed'));

async function received(): Promise<number> {
  const metrics = await (await fetch(`${server.app.url}/metrics`)).text();
  return Number(/^identity_change_feed_received_total (\d+)/m.exec(metrics)?.[1] ?? 0);
}

/** Publishes `count` junk messages at once (one pipeline), and waits until the server has received them all. */
async function flood(count: number): Promise<void> {
  const before = await received();
  const pipeline = publisher.pipeline();
  for (let index = 0; index < count; index += 1) pipeline.publish(CHANNEL, `junk ${index} \u001b[2J`);
  await pipeline.exec();
  await waitUntil(async () => (await received()) >= before + count, `${count} junk messages received`, 10_000);
}

beforeAll(async () => {
  await waitUntil(
    async () => ((await (await fetch(`${server.app.url}/ready`)).json()) as any).changeFeed === 'subscribed',
    'change feed subscribed',
    10_000,
  );
});

const stageNames = async () => {
  const { body } = await server.post({ query: '{ disclosurePolicy { name } }' });
  expect(body.errors).toBeUndefined();
  return (body.data?.disclosurePolicy as { name: string }[]).map((stage) => stage.name);
};

it(`${JUNK} junk messages at once cost a reload or two of the stages, not one each`, async () => {
  // The stages held (as a long load would hold them) while the burst arrives, however many reads the subscriber
  // takes to get it: the load it starts waits, and every other message joins the one load queued after it.
  const locker = server.app.dataSource.createQueryRunner();
  await locker.connect();
  const loadsBefore = stageLoads().length;
  try {
    await locker.query('LOCK TABLES policy_stages WRITE');
    await flood(JUNK);
  } finally {
    await locker.query('UNLOCK TABLES');
    await locker.release();
  }
  await waitUntil(async () => stageLoads().length >= loadsBefore + 2, 'the load after the burst', 10_000);
  expect(stageLoads().length - loadsBefore).toBe(2);
  expect(warnings()).toEqual([]);
});

it('a real change told amid the junk is not lost: the last messages get a reload after them', async () => {
  await flood(JUNK / 2);
  // A stage added while the junk flows, as a command would, telling the feed among the junk.
  await server.app.dataSource.query(
    "INSERT INTO policy_stages (name, min_followers, effective_from, notice_days, mode) VALUES ('amid-the-junk', 1, '2099-01-01', 13, 'CONSENT')",
  );
  await flood(JUNK / 2);
  await waitUntil(async () => (await stageNames()).includes('amid-the-junk'), 'the stage added amid the junk', 10_000);
  await server.app.dataSource.query("DELETE FROM policy_stages WHERE name = 'amid-the-junk'");
});

it('with the stages unreadable, a flood is one warning, not one per message, and a load a second at most', async () => {
  await server.app.dataSource.query('RENAME TABLE policy_stages TO policy_stages_away');
  try {
    const loadsBefore = stageLoads().length;
    await flood(JUNK);
    // The load under way fails; the one the burst waits for is tried a second later, and fails too.
    await waitUntil(async () => stageLoads().length >= loadsBefore + 2, 'the load after the burst', 10_000);
    expect(stageLoads().length - loadsBefore).toBeLessThanOrEqual(3);
    expect(warnings()).toHaveLength(1);
  } finally {
    await server.app.dataSource.query('RENAME TABLE policy_stages_away TO policy_stages');
  }
});

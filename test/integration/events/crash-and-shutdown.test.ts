// The compiled service as a deployment runs it, consuming from the real nats-server: SIGKILL mid-stream loses
// nothing and applies nothing twice (the counts of the instance that takes over add up exactly), and SIGTERM
// lets the batch in flight finish and be acknowledged before the process exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { useDatabaseProxy, useTestDatabase } from '../../support/database';
import { followersChanged } from '../../support/events';
import { metricValue, useTestStream } from '../../support/nats';
import { built } from '../../support/paths';
import { onTeardown } from '../../support/teardown';
import { waitUntil } from '../../support/wait-until';
import { connectTo } from '../../support/database';
import type { DataSource } from 'typeorm';

const ENTRY = built('src', 'index.js');
const stream = useTestStream();
const database = useTestDatabase();
const proxy = useDatabaseProxy();
let dataSource: DataSource;
const children: ChildProcess[] = [];

beforeAll(async () => {
  await stream.createConsumer(2000); // an unacknowledged message comes back after 2 s
  dataSource = await connectTo(database, 2);
});
onTeardown(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await dataSource?.destroy();
});

/** Starts the built service; resolves with its URL once it is ready. */
async function startService(env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [ENTRY], {
    env: {
      ...process.env,
      DATABASE_URL: proxy.urlFor(database.url),
      ...stream.env(),
      PORT: '0',
      HOST: '127.0.0.1',
      EVENTS_BATCH_SIZE: '500',
      NOTIFY_INTERVAL_SECONDS: '0',
      ...env,
    },
    stdio: 'pipe',
  });
  children.push(child);
  child.stderr!.resume();
  for await (const line of createInterface({ input: child.stdout! })) {
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'identity-labels subgraph ready') {
      child.stdout!.resume(); // keep draining its log lines: a full pipe would block it
      return { child, url: entry.url!.replace('/graphql', '') };
    }
  }
  throw new Error('the service exited before it was ready');
}

const processed = async () => Number((await dataSource.query('SELECT COUNT(*) AS n FROM processed_events'))[0].n);
const drained = async () => {
  const info = await stream.consumerInfo().catch(() => undefined);
  return info !== undefined && info.num_pending === 0 && info.num_ack_pending === 0;
};
const sample = (url: string, outcome: string) =>
  metricValue(url, `identity_events_total{type="user.followers.changed",outcome="${outcome}"}`);

it('SIGKILL mid-stream: the instance that takes over applies exactly what was not applied, and nothing twice', async () => {
  const first = await startService();
  const ACCOUNTS = 5000;
  const events = Array.from({ length: 4 * ACCOUNTS }, (_, index) =>
    followersChanged(`crash-${index % ACCOUNTS}`, index, 100 - Math.floor(index / ACCOUNTS)),
  );
  for (let start = 0; start < events.length; start += 2000) await stream.publish(...events.slice(start, start + 2000));
  await waitUntil(async () => (await processed()) >= 3000, 'mid-stream', 30_000, 5);
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');
  const appliedBeforeTheKill = await processed(); // its transaction in flight died with its connection
  expect(appliedBeforeTheKill).toBeLessThan(events.length);

  const second = await startService();
  await waitUntil(drained, 'every event acknowledged by the second instance', 60_000);
  expect(await processed()).toBe(events.length); // nothing lost
  const applied = (await sample(second.url, 'applied')) + (await sample(second.url, 'stale'));
  expect(applied).toBe(events.length - appliedBeforeTheKill); // nothing applied twice
  const rows = (await dataSource.query(
    "SELECT COUNT(*) AS n FROM accounts WHERE user_id LIKE 'crash-%' AND follower_count <> CAST(SUBSTRING(user_id, 7) AS UNSIGNED) + 15000",
  )) as { n: number }[];
  expect(Number(rows[0]!.n)).toBe(0); // the newest observation of each account won
  second.child.kill('SIGTERM');
  expect((await once(second.child, 'exit'))[0]).toBe(0);
});

it('SIGTERM: the batch in flight is finished and acknowledged, the rest handed back, then the process exits 0', async () => {
  const service = await startService({ DB_QUERY_TIMEOUT_MS: '10000' });
  const before = await processed();
  const lastBefore = (await stream.manager.streams.info(stream.name)).state.last_seq;
  proxy.stall(); // the next batch waits on the database...
  await stream.publish(...Array.from({ length: 50 }, (_, index) => followersChanged(`drain-${index}`, 1, 5)));
  await waitUntil(async () => (await stream.consumerInfo()).num_ack_pending === 50, 'all delivered', 10_000);
  service.child.kill('SIGTERM'); // ...while the service is told to stop...
  await new Promise((resolve) => setTimeout(resolve, 300));
  proxy.restore(); // ...and the database comes back: the batch commits, is acknowledged, and the process exits.
  const [code] = await once(service.child, 'exit');
  expect(code).toBe(0);
  const finished = (await processed()) - before;
  expect(finished).toBeGreaterThan(0); // the batch in flight (the first messages delivered)...
  // ...acknowledged before the exit: the consumer's floor is past it.
  expect((await stream.consumerInfo()).ack_floor.stream_seq).toBe(lastBefore + finished);

  // What it had not started went back to the stream at once; the next instance applies it, exactly once.
  const next = await startService();
  await waitUntil(drained, 'the rest applied by the next instance', 10_000);
  expect((await processed()) - before).toBe(50);
  expect(await sample(next.url, 'applied')).toBe(50 - finished);
  next.child.kill('SIGTERM');
  expect((await once(next.child, 'exit'))[0]).toBe(0);
});

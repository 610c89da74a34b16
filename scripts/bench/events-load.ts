// The platform's events through the real nats-server (docs/events.md): how many follower events one instance
// consumes per second (a backlog published before it starts, applied in batches), and how long it takes from
// publishing a follower count that crosses a threshold to the label reading NOTICE on another instance (its
// row cache on, kept true by the change feed) while follower events keep flowing. A database and a stream of
// their own, dropped and deleted after.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import mysql from 'mysql2/promise';
import { BENCH_VIEWER } from './entities-load';
import { startSubgraph, type SubgraphProcess } from './subgraph-process';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
/** A fixed key (benchmark data only): production refuses events without one. */
const BENCH_PSEUDONYM_KEY = 'AZTynN10d3740gdhZE4XV716Z0wRyxSJpM4gOSRoQY8=';

export interface EventsResult {
  events: number;
  accounts: number;
  batchSize: number;
  /** Backlog consumed by one instance: from the first acknowledgement to the last. */
  seconds: number;
  eventsPerSecond: number;
  /** The consuming instance's CPU time per event, in microseconds. */
  cpuMicrosPerEvent: number;
  latency: { samples: number; backgroundEventsPerSecond: number; p50Ms: number; p99Ms: number; maxMs: number };
}

export interface EventsOptions {
  databaseUrl: string;
  natsUrl: string;
  redisUrl: string;
  events: number;
  accounts: number;
  samples: number;
  env: Record<string, string>;
  log: (line: string) => void;
}

const MAX_BACKGROUND_PER_SECOND = 5000;
const SAMPLE_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function followers(userId: string, followerCount: number, observedAt: Date): string {
  return JSON.stringify({
    specversion: '1.0',
    id: randomUUID(),
    source: '//bench.example/followers',
    type: 'user.followers.changed',
    time: new Date().toISOString(),
    data: { userId, followerCount, observedAt: observedAt.toISOString() },
  });
}

async function freshDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/';
  const admin = await mysql.createConnection(url.toString());
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'migrate'], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`identity-labels migrate exited with ${code}`);
}

/** Publishes in pipelined chunks; resolves once the stream has acknowledged every message. */
async function publishAll(js: JetStreamClient, subject: string, bodies: string[]): Promise<void> {
  const CHUNK = 2000;
  for (let start = 0; start < bodies.length; start += CHUNK) {
    await Promise.all(bodies.slice(start, start + CHUNK).map((body) => js.publish(subject, body)));
  }
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? NaN;
}

async function labelOf(server: SubgraphProcess, userId: string): Promise<string | undefined> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...BENCH_VIEWER },
    body: JSON.stringify({
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { identityLabel { status } } } }',
      variables: { r: [{ __typename: 'User', id: userId, nickname: 'n' }] },
    }),
  });
  const body = (await response.json()) as { data?: { _entities: { identityLabel: { status: string } }[] } };
  return body.data?._entities[0]?.identityLabel.status;
}

export async function measureEvents(options: EventsOptions): Promise<EventsResult> {
  const stream = `bench-events-${randomBytes(4).toString('hex')}`;
  const subject = `${stream}.platform.followers`;
  await freshDatabase(options.databaseUrl);
  const connection = await connect({ servers: options.natsUrl });
  const manager = await jetstreamManager(connection);
  await manager.streams.add({ name: stream, subjects: [`${stream}.>`] });
  const js = jetstream(connection);
  const env = {
    ...options.env,
    NATS_URL: options.natsUrl,
    EVENTS_STREAM: stream,
    EVENTS_CONSUMER: 'identity-labels',
    EVENTS_OUT_PREFIX: `${stream}.out`,
    EVENTS_DEAD_LETTER_SUBJECT: `${stream}.dead-letter`,
    PSEUDONYM_KEY: BENCH_PSEUDONYM_KEY,
    REDIS_URL: options.redisUrl,
    REDIS_CHANNEL: `${stream}:changes`,
  };
  const servers: SubgraphProcess[] = [];
  try {
    const throughput = await measureThroughput(options, js, subject, env, servers, manager, stream);
    // The background load is a quarter of what one instance was just measured to consume: a consumer that
    // keeps up, not a backlog growing under the samples.
    const background = Math.min(MAX_BACKGROUND_PER_SECOND, Math.round(throughput.eventsPerSecond / 4 / 100) * 100);
    const latency = await measureLatency(options, js, subject, env, servers, background);
    return { ...throughput, latency };
  } finally {
    for (const server of servers) await server.stop();
    await manager.streams.delete(stream).catch(() => undefined);
    await connection.close();
  }
}

async function measureThroughput(
  options: EventsOptions,
  js: JetStreamClient,
  subject: string,
  env: Record<string, string>,
  servers: SubgraphProcess[],
  manager: Awaited<ReturnType<typeof jetstreamManager>>,
  stream: string,
): Promise<Omit<EventsResult, 'latency'>> {
  const now = Date.now();
  const bodies = Array.from({ length: options.events }, (_, index) =>
    followers(`bench-events-${index % options.accounts}`, index, new Date(now - options.events + index)),
  );
  options.log(
    `events: publishing ${options.events.toLocaleString('en')} follower events (${options.accounts.toLocaleString('en')} accounts)`,
  );
  await publishAll(js, subject, bodies);
  options.log('events: one instance consumes the backlog');
  const consumer = await startSubgraph(options.databaseUrl, env);
  servers.push(consumer);
  // Counted from the first acknowledgement seen (start-up and the first pull are not consumption) to the last.
  let first: { at: number; cpu: number; acked: number } | undefined;
  for (;;) {
    const info = await manager.consumers.info(stream, 'identity-labels').catch(() => undefined);
    const acked = info?.ack_floor.stream_seq ?? 0;
    if (first === undefined && acked > 0) first = { at: performance.now(), cpu: consumer.cpuSeconds(), acked };
    if (info !== undefined && info.num_pending === 0 && info.num_ack_pending === 0 && acked >= options.events) break;
    await sleep(20);
  }
  const seconds = (performance.now() - first!.at) / 1000;
  const counted = options.events - first!.acked;
  return {
    events: options.events,
    accounts: options.accounts,
    batchSize: Number(env.EVENTS_BATCH_SIZE ?? 1000),
    seconds,
    eventsPerSecond: counted / seconds,
    cpuMicrosPerEvent: ((consumer.cpuSeconds() - first!.cpu) * 1e6) / counted,
  };
}

/**
 * Verified accounts below the threshold, then one at a time a follower count that crosses it, published while
 * background follower events flow; the time until another instance (which read the account before, so its
 * cache holds it) answers NOTICE.
 */
async function measureLatency(
  options: EventsOptions,
  js: JetStreamClient,
  subject: string,
  env: Record<string, string>,
  servers: SubgraphProcess[],
  backgroundPerSecond: number,
): Promise<EventsResult['latency']> {
  // Both instances consume (they share the durable consumer); the label is read on this one, its cache on.
  const reader = await startSubgraph(options.databaseUrl, { ...env, ACCOUNT_CACHE_TTL_MS: '600000' });
  servers.push(reader);
  const userIds = Array.from({ length: options.samples }, (_, index) => `bench-latency-${index}`);
  await publishAll(
    js,
    subject,
    userIds.map((userId) =>
      JSON.stringify({
        specversion: '1.0',
        id: randomUUID(),
        source: '//bench.example/verification',
        type: 'user.verification.changed',
        data: {
          userId,
          verification: 'VERIFIED',
          realName: `Bench ${userId}`,
          observedAt: new Date(Date.now() - 60_000).toISOString(),
        },
      }),
    ),
  );
  for (const userId of userIds) while ((await labelOf(reader, userId)) !== 'NOT_SUBJECT') await sleep(20);
  let background = true;
  let sent = 0;
  const backgroundLoad = (async () => {
    while (background) {
      const tick = performance.now();
      const batch = Array.from({ length: Math.max(1, Math.round(backgroundPerSecond / 10)) }, () =>
        followers(`bench-events-${Math.floor(Math.random() * options.accounts)}`, 1000 + sent, new Date()),
      );
      await publishAll(js, subject, batch);
      sent += batch.length;
      await sleep(Math.max(0, 100 - (performance.now() - tick)));
    }
  })();
  options.log(
    `events: ${options.samples} thresholds crossed, read on another instance, under ${backgroundPerSecond} events/s`,
  );
  const started = performance.now();
  const latencies: number[] = [];
  for (const userId of userIds) {
    const published = performance.now();
    await js.publish(subject, followers(userId, 2_000_000, new Date()));
    while ((await labelOf(reader, userId)) !== 'NOTICE' && performance.now() - published < SAMPLE_TIMEOUT_MS) {
      await sleep(5);
    }
    latencies.push(performance.now() - published); // a sample that timed out counts as its timeout
  }
  background = false;
  await backgroundLoad;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    backgroundEventsPerSecond: sent / ((performance.now() - started) / 1000),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? NaN,
  };
}

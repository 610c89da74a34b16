// The platform's events through the real nats-server (docs/events.md): how many follower events one instance
// consumes per second (a backlog published before it starts, applied in batches), and how long it takes from
// publishing a follower count that crosses a threshold to the label reading NOTICE on another instance (its
// row cache on, kept true by the change feed) while follower events keep flowing. Each throughput run has a
// database and a stream of its own, dropped and deleted after; with --against, the checkout before and this
// one take turns, round after round, so that the machine's drift falls on both alike.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import mysql from 'mysql2/promise';
import { BENCH_VIEWER } from './entities-load';
import { startSubgraph, type SubgraphProcess } from './subgraph-process';

/** A fixed key (benchmark data only): production refuses events without one. */
const BENCH_PSEUDONYM_KEY = 'AZTynN10d3740gdhZE4XV716Z0wRyxSJpM4gOSRoQY8=';

/** One instance consuming the backlog: from the first acknowledgement to the last. */
export interface ThroughputRun {
  /** Which checkout ran it: `this`, or `before` (--against). */
  checkout: string;
  round: number;
  seconds: number;
  eventsPerSecond: number;
  /** The consuming instance's CPU time per event, in microseconds. */
  cpuMicrosPerEvent: number;
}

export interface EventsResult {
  events: number;
  accounts: number;
  batchSize: number;
  runs: ThroughputRun[];
  /** This checkout's median run (by events/s). */
  seconds: number;
  eventsPerSecond: number;
  cpuMicrosPerEvent: number;
  /** With --against: this checkout's events/s over the one before's, the median of the rounds' ratios. */
  ratio?: number;
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
  /** With it, the consuming instances run under `node --cpu-prof`, their profiles written here. */
  profileDir?: string;
  /** The built checkouts measured, in turn, each round: [name, root]; `this` is this one. */
  checkouts: [string, string][];
  rounds: number;
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

/** The database dropped, created and migrated by the checkout's own command. */
async function freshDatabase(databaseUrl: string, checkout: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/';
  const admin = await mysql.createConnection(url.toString());
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [join(checkout, 'dist', 'src', 'cli', 'main.js'), 'migrate'], {
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

/** The middle value (the lower of the middle two). */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;

/** A stream of its own and the service's environment for it. */
async function newStream(manager: JetStreamManager, options: EventsOptions) {
  const name = `bench-events-${randomBytes(4).toString('hex')}`;
  await manager.streams.add({ name, subjects: [`${name}.>`] });
  const env = {
    ...options.env,
    NATS_URL: options.natsUrl,
    EVENTS_STREAM: name,
    EVENTS_CONSUMER: 'identity-labels',
    EVENTS_OUT_PREFIX: `${name}.out`,
    EVENTS_DEAD_LETTER_SUBJECT: `${name}.dead-letter`,
    PSEUDONYM_KEY: BENCH_PSEUDONYM_KEY,
    REDIS_URL: options.redisUrl,
    REDIS_CHANNEL: `${name}:changes`,
  };
  return { name, subject: `${name}.platform.followers`, env };
}

export async function measureEvents(options: EventsOptions): Promise<EventsResult> {
  const connection = await connect({ servers: options.natsUrl });
  const manager = await jetstreamManager(connection);
  const js = jetstream(connection);
  const streams: string[] = [];
  const servers: SubgraphProcess[] = [];
  try {
    const runs: ThroughputRun[] = [];
    let last: { stream: Awaited<ReturnType<typeof newStream>>; consumer: SubgraphProcess } | undefined;
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const [name, checkout] of options.checkouts) {
        await last?.consumer.stop();
        const stream = await newStream(manager, options);
        streams.push(stream.name);
        await freshDatabase(options.databaseUrl, checkout);
        options.log(`events: round ${round}, ${name}`);
        const run = await measureThroughput(options, js, stream, checkout, manager);
        runs.push({ checkout: name, round, ...run.result });
        last = { stream, consumer: run.consumer };
      }
    }
    // The last run was this checkout's: its consumer, on its database and stream, takes part in the latency.
    servers.push(last!.consumer);
    const mine = runs.filter((run) => run.checkout === 'this');
    // This checkout's median run (by events/s), its numbers together.
    const eventsPerSecond = median(mine.map((run) => run.eventsPerSecond));
    const middle = mine.find((run) => run.eventsPerSecond === eventsPerSecond)!;
    const before = runs.filter((run) => run.checkout === 'before');
    const ratios = mine.flatMap((run) => {
      const other = before.find((candidate) => candidate.round === run.round);
      return other === undefined ? [] : [run.eventsPerSecond / other.eventsPerSecond];
    });
    // The background load is a quarter of what one instance was just measured to consume: a consumer that
    // keeps up, not a backlog growing under the samples.
    const background = Math.min(MAX_BACKGROUND_PER_SECOND, Math.round(eventsPerSecond / 4 / 100) * 100);
    const latency = await measureLatency(options, js, last!.stream.subject, last!.stream.env, servers, background);
    return {
      events: options.events,
      accounts: options.accounts,
      batchSize: Number(options.env.EVENTS_BATCH_SIZE ?? 1000),
      runs,
      seconds: middle.seconds,
      eventsPerSecond,
      cpuMicrosPerEvent: middle.cpuMicrosPerEvent,
      ...(ratios.length > 0 && { ratio: median(ratios) }),
      latency,
    };
  } finally {
    for (const server of servers) await server.stop();
    for (const stream of streams) await manager.streams.delete(stream).catch(() => undefined);
    await connection.close();
  }
}

async function measureThroughput(
  options: EventsOptions,
  js: JetStreamClient,
  stream: Awaited<ReturnType<typeof newStream>>,
  checkout: string,
  manager: JetStreamManager,
): Promise<{ result: Omit<ThroughputRun, 'checkout' | 'round'>; consumer: SubgraphProcess }> {
  const now = Date.now();
  const bodies = Array.from({ length: options.events }, (_, index) =>
    followers(`bench-events-${index % options.accounts}`, index, new Date(now - options.events + index)),
  );
  options.log(
    `events: publishing ${options.events.toLocaleString('en')} follower events (${options.accounts.toLocaleString('en')} accounts)`,
  );
  await publishAll(js, stream.subject, bodies);
  options.log('events: one instance consumes the backlog');
  const nodeArgs = options.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.profileDir];
  const consumer = await startSubgraph(options.databaseUrl, stream.env, nodeArgs, checkout);
  // Counted from the first acknowledgement seen (start-up and the first pull are not consumption) to the last.
  let first: { at: number; cpu: number; acked: number } | undefined;
  for (;;) {
    const info = await manager.consumers.info(stream.name, 'identity-labels').catch(() => undefined);
    const acked = info?.ack_floor.stream_seq ?? 0;
    if (first === undefined && acked > 0) first = { at: performance.now(), cpu: consumer.cpuSeconds(), acked };
    if (info !== undefined && info.num_pending === 0 && info.num_ack_pending === 0 && acked >= options.events) break;
    await sleep(20);
  }
  const seconds = (performance.now() - first!.at) / 1000;
  const counted = options.events - first!.acked;
  return {
    result: {
      seconds,
      eventsPerSecond: counted / seconds,
      cpuMicrosPerEvent: ((consumer.cpuSeconds() - first!.cpu) * 1e6) / counted,
    },
    consumer,
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

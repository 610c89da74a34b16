// `npm run bench`: the read path against the raw MySQL limit, in one run on this machine (see
// docs/performance.md). Fills a database through the import command, measures raw batched lookups on it, then the
// subgraph in production mode with the account cache off and on, and writes bench-results/<time>.json. With
// --encryption both, all of it twice: real names stored plain, then encrypted at rest (as in production).
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { createHash } from 'node:crypto';
import { countAccounts, describeDatabase, fillDatabase } from './bench/dataset';
import { driveEntities, entitiesBodies, type Load } from './bench/entities-load';
import { measureEvents } from './bench/events-load';
import { distinctIds, randomIdSets } from './bench/id-sets';
import { measureWrites, postEntitiesBodies } from './bench/ip-locations-load';
import { parseBenchOptions, type BenchOptions, type Encryption } from './bench/options';
import { measureRealNameCipher } from './bench/real-name-cipher';
import { measureRawLookups } from './bench/raw-lookups';
import { measureTracingCost } from './bench/tracing-cost';
import { formatResults, type BenchResults, type CacheMode, type SubgraphRun } from './bench/report';
import { startSubgraph, THIS_CHECKOUT } from './bench/subgraph-process';
import { BENCH_TRACEPARENT, startTraceSink, type TraceSink } from './bench/trace-sink';

const RESULTS_DIR = join(__dirname, '..', '..', 'bench-results'); // run from dist/scripts/
const POOL_SIZE = 10; // DB_POOL_SIZE's default: the raw pool is the service's pool
const POSTS_PER_REQUEST = 100; // a feed page
/**
 * Production refuses to start without a key. A fixed one, derived from a public phrase (benchmark data only),
 * so that --reuse-database finds the names it encrypted readable.
 */
const BENCH_REAL_NAME_KEYS = `bench:${createHash('sha256').update('identity-labels benchmark key').digest('base64')}`;

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function mysqlVersion(databaseUrl: string): Promise<string> {
  const url = new URL(databaseUrl);
  url.pathname = '/';
  const connection = await mysql.createConnection(url.toString());
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    return `MySQL ${(rows as { version: string }[])[0]?.version ?? 'unknown'}`;
  } finally {
    await connection.end();
  }
}

/** One pass for one encryption mode: fill (or reuse) the database, raw lookups, the subgraph cache off and on. */
async function measure(
  options: BenchOptions,
  encryption: Encryption,
  keys: string,
): Promise<Pick<BenchResults, 'datasets' | 'raw' | 'subgraph' | 'ipLocationWrites'>> {
  // Off: the names are imported as plain text (no key), and the server, which production refuses to start
  // without a key, reads them as they are, decrypting nothing.
  const env: Record<string, string> = encryption === 'on' ? { REAL_NAME_KEYS: keys } : {};
  const load = { connections: options.connections, warmupSeconds: options.warmup, durationSeconds: options.duration };
  let dataset: BenchResults['datasets'][number];
  // Reused only for one mode: the stored form of the names differs between the two.
  const reuse = options.reuseDatabase && options.encryption.length === 1;
  if (reuse && (await countAccounts(options.databaseUrl)) === options.accounts) {
    log('reusing the benchmark database');
    dataset = {
      encryption,
      accounts: options.accounts,
      reused: true,
      statuses: await describeDatabase(options.databaseUrl, options.accounts),
    };
  } else {
    log(`encryption ${encryption}`);
    dataset = { encryption, ...(await fillDatabase(options.databaseUrl, options.accounts, log, env)) };
  }

  const idSets = new Map(
    options.sizes.map((size) => [size, randomIdSets(options.accounts, size, options.bodies, size)]),
  );
  const raw: BenchResults['raw'] = [];
  for (const [size, sets] of idSets) {
    log(`raw mysql2 lookups, IN(${size})`);
    raw.push({
      encryption,
      ...(await measureRawLookups(options.databaseUrl, sets, {
        concurrency: options.connections,
        poolSize: POOL_SIZE,
        warmupSeconds: options.warmup,
        durationSeconds: options.duration,
      })),
    });
  }

  const subgraph: SubgraphRun[] = [];
  const ipLocationWrites: BenchResults['ipLocationWrites'] = [];
  const postBodies = postEntitiesBodies(options.posts, options.accounts, POSTS_PER_REQUEST, options.bodies, 100);
  // Every variant once a round, alternating: the machine's drift falls on all of them alike.
  const checkouts: [string, string][] =
    options.against === undefined
      ? [['this', THIS_CHECKOUT]]
      : [
          ['before', options.against],
          ['this', THIS_CHECKOUT],
        ];
  // The code before (--against) has no tracing to turn on.
  const tracingModes = (name: string) => (options.tracing && name === 'this' ? [false, true] : [false]);
  const variants = checkouts.flatMap(([name, checkout]) =>
    options.executors.flatMap((executor) =>
      options.nodeOptions.flatMap((nodeOptions) =>
        tracingModes(name).map((tracing) => ({
          name: [name, executor, nodeOptions, tracing ? 'tracing' : ''].filter((part) => part !== '').join(' '),
          checkout,
          executor,
          nodeOptions,
          tracing,
        })),
      ),
    ),
  );
  const sink = options.tracing ? await startTraceSink() : undefined;
  try {
    await runVariants(
      options,
      variants,
      { encryption, keys, idSets, postBodies, load, sink },
      subgraph,
      ipLocationWrites,
    );
  } finally {
    await sink?.close();
  }
  return { datasets: [dataset], raw, subgraph, ipLocationWrites };
}

interface Variant {
  name: string;
  checkout: string;
  executor: string;
  nodeOptions: string;
  tracing: boolean;
}

interface RunInputs {
  encryption: Encryption;
  keys: string;
  idSets: Map<number, string[][]>;
  postBodies: string[];
  load: Load;
  sink: TraceSink | undefined;
}

/** Every variant once a round, alternating, each with the cache off and on (and shared, with a Redis). */
async function runVariants(
  options: BenchOptions,
  variants: Variant[],
  inputs: RunInputs,
  subgraph: SubgraphRun[],
  ipLocationWrites: BenchResults['ipLocationWrites'],
): Promise<void> {
  const { encryption, keys, idSets, postBodies, sink } = inputs;
  const profileDir = join(RESULTS_DIR, 'profiles');
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const variant of variants) {
      const cacheModes: CacheMode[] = options.redisUrl === undefined ? ['off', 'on'] : ['off', 'on', 'shared'];
      for (const cache of cacheModes) {
        const nodeArgs = options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
        const server = await startSubgraph(
          options.databaseUrl,
          {
            REAL_NAME_KEYS: keys,
            ACCOUNT_CACHE_TTL_MS: cache === 'off' ? '0' : String(options.cacheTtlMs),
            REDIS_URL: cache === 'shared' ? options.redisUrl : undefined,
            DB_POOL_SIZE: String(POOL_SIZE),
            GRAPHQL_EXECUTOR: variant.executor,
            NODE_OPTIONS: variant.nodeOptions === '' ? undefined : variant.nodeOptions,
            OTEL_EXPORTER_OTLP_ENDPOINT: variant.tracing ? sink?.endpoint : undefined,
          },
          nodeArgs,
          variant.checkout,
        );
        const measured = { encryption, variant: variant.name, round, cache, tracing: variant.tracing };
        const load: Load = {
          ...inputs.load,
          headers: variant.tracing ? { traceparent: BENCH_TRACEPARENT } : {},
        };
        try {
          if (ipLocationWrites.length === 0) {
            log(`POST /ip-locations, ${options.posts.toLocaleString('en')} post locations`);
            const write = await measureWrites(server.url, options.databaseUrl, options.posts, options.accounts);
            ipLocationWrites.push({ encryption, ...write });
          }
          for (const [size, sets] of idSets) {
            log(`round ${round}, ${variant.name}, ${size} User references, cache ${cache}, encryption ${encryption}`);
            const bodies = entitiesBodies(sets);
            const result = await driveEntities(server.url, options.databaseUrl, bodies, size, load, server.cpuSeconds);
            const memory = server.memory();
            subgraph.push({
              ...result,
              ...measured,
              asks: 'User labels',
              serverRssBytes: memory.rssBytes,
              serverPeakRssBytes: memory.peakRssBytes,
              distinctIds: distinctIds(sets),
            });
          }
          log(`round ${round}, ${variant.name}, ${POSTS_PER_REQUEST} Post references with displayName and ipLocation`);
          const posts = await driveEntities(
            server.url,
            options.databaseUrl,
            postBodies,
            POSTS_PER_REQUEST,
            load,
            server.cpuSeconds,
          );
          const memory = server.memory();
          subgraph.push({
            ...posts,
            ...measured,
            asks: 'Post displayName+ipLocation',
            serverRssBytes: memory.rssBytes,
            serverPeakRssBytes: memory.peakRssBytes,
            distinctIds: NaN,
          });
        } finally {
          await server.stop();
        }
      }
    }
  }
}

async function measureTracingCostWithSink(): ReturnType<typeof measureTracingCost> {
  const sink = await startTraceSink();
  try {
    return await measureTracingCost(sink.endpoint);
  } finally {
    await sink.close();
  }
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv, process.env);
  const startedAt = new Date();
  const keys = BENCH_REAL_NAME_KEYS;
  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    machine: { cpus: cpus().length, node: process.version, mysql: await mysqlVersion(options.databaseUrl) },
    options: { ...options, databaseUrl: undefined },
    realNameCipher: measureRealNameCipher(),
    tracing: await measureTracingCostWithSink(),
    datasets: [],
    raw: [],
    subgraph: [],
    ipLocationWrites: [],
  };
  for (const encryption of options.eventsOnly ? [] : options.encryption) {
    const pass = await measure(options, encryption, keys);
    results.datasets.push(...pass.datasets);
    results.raw.push(...pass.raw);
    results.subgraph.push(...pass.subgraph);
    results.ipLocationWrites.push(...pass.ipLocationWrites);
  }
  if (options.events > 0) {
    const eventsDatabase = new URL(options.databaseUrl);
    eventsDatabase.pathname = `${eventsDatabase.pathname}_events`;
    results.events = await measureEvents({
      databaseUrl: eventsDatabase.toString(),
      natsUrl: options.natsUrl,
      redisUrl: options.redisUrl ?? 'redis://127.0.0.1:6379',
      events: options.events,
      accounts: Math.max(1, Math.floor(options.events / 2)),
      samples: 200,
      env: { REAL_NAME_KEYS: keys, DB_POOL_SIZE: String(POOL_SIZE) },
      checkouts:
        options.against === undefined
          ? [['this', THIS_CHECKOUT]]
          : [
              ['before', options.against],
              ['this', THIS_CHECKOUT],
            ],
      rounds: options.rounds,
      ...(options.profile && { profileDir: join(RESULTS_DIR, 'profiles') }),
      log,
    });
  }
  process.stdout.write(`${formatResults(results)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`results: ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

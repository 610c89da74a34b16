// The benchmark's command line. Defaults fit a full run in under ten minutes on two shared cores.
import { Command, InvalidArgumentError, Option } from 'commander';

export interface BenchOptions {
  databaseUrl: string;
  accounts: number;
  /** Posts whose IP locations are written through POST /ip-locations, then read 100 at a time. */
  posts: number;
  /** Seconds of measured load per run, after `warmup` seconds whose results are thrown away. */
  duration: number;
  warmup: number;
  connections: number;
  /** References per `_entities` request; one run each. */
  sizes: number[];
  /** Pre-built request bodies per size, sent in rotation (random ids, so the id mix stays realistic). */
  bodies: number;
  /** ACCOUNT_CACHE_TTL_MS for the "cache on" runs. */
  cacheTtlMs: number;
  /** With it, a third run per variant: the cache on, subscribed to the change feed on this Redis. */
  redisUrl: string | undefined;
  /** Keep an existing benchmark database with this many accounts instead of re-importing. */
  reuseDatabase: boolean;
  /** Start the subgraph with `node --cpu-prof`, profiles written to bench-results/profiles/. */
  profile: boolean;
  /** Real names encrypted at rest (REAL_NAME_KEYS set, as production requires), stored plain, or both in turn. */
  encryption: Encryption[];
  quick: boolean;
  /** GRAPHQL_EXECUTOR values to run, each as a variant of its own. */
  executors: string[];
  /** NODE_OPTIONS variants of the subgraph process ('' is none), each a variant of its own. */
  nodeOptions: string[];
  /** Another built checkout (its root) to run as the "before" variant, alternating with this one. */
  against: string | undefined;
  /** Rounds of every variant, alternating, so that the machine's drift falls on all of them alike. */
  rounds: number;
  /** Follower events consumed by one instance (0: the events are not measured). */
  events: number;
  /** Only the events: no read-path runs. */
  eventsOnly: boolean;
  natsUrl: string;
  /**
   * Every variant twice, alternating: as it is (OTEL_EXPORTER_OTLP_ENDPOINT unset) and with tracing on (spans
   * exported to a sink in the benchmark's process, the router's traceparent on every request).
   */
  tracing: boolean;
}

export type Encryption = 'on' | 'off';

const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/identity_labels_bench';

function positive(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return Number(value);
  };
}

function executorList(value: string): string[] {
  const executors = value.split(',').map((executor) => executor.trim());
  if (executors.some((executor) => executor !== 'graphql-jit' && executor !== 'graphql-js')) {
    throw new InvalidArgumentError('--executors must list graphql-jit and/or graphql-js');
  }
  return executors;
}

function sizeList(value: string): number[] {
  const sizes = value.split(',').map((size) => Number(size.trim()));
  if (sizes.some((size) => !Number.isInteger(size) || size <= 0)) {
    throw new InvalidArgumentError('--sizes must be a comma-separated list of positive whole numbers');
  }
  return sizes;
}

export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const program = new Command('bench')
    .description(
      'Fills a benchmark database through the import command, measures the raw mysql2 lookup limit on it, then ' +
        'drives the subgraph (production mode, in its own process) with _entities requests, cache off and on; ' +
        'writes post IP locations through POST /ip-locations and reads them 100 posts at a time.',
    )
    .option('--quick', 'about 100,000 accounts and short runs (defaults below are for the full run)')
    .option('--accounts <n>', 'accounts to import (default 1,000,000; --quick 100,000)', positive('--accounts'))
    .option('--posts <n>', 'post locations to write and read (default 500,000; --quick 50,000)', positive('--posts'))
    .option('--duration <s>', 'measured seconds per run (default 10; --quick 5)', positive('--duration'))
    .option('--warmup <s>', 'warm-up seconds before each run (default 3; --quick 2)', positive('--warmup'))
    .option('--connections <n>', 'concurrent connections / lookups', positive('--connections'), 16)
    .option('--sizes <list>', 'references per _entities request', sizeList, [1, 100, 1000])
    .option('--bodies <n>', 'pre-built request bodies per size, sent in rotation', positive('--bodies'), 200)
    .option('--cache-ttl-ms <ms>', 'ACCOUNT_CACHE_TTL_MS for the cache-on runs', positive('--cache-ttl-ms'), 5000)
    .option(
      '--redis-url <url>',
      'also run with the cache shared through the change feed on this Redis (BENCH_REDIS_URL)',
    )
    .option('--reuse-database', 'keep the benchmark database if it already holds --accounts accounts')
    .option('--profile', 'run the subgraph with --cpu-prof (profiles in bench-results/profiles/)')
    .addOption(
      new Option('--encryption <mode>', 'real names encrypted at rest (as in production), plain, or both in turn')
        .choices(['on', 'off', 'both'])
        .default('on'),
    )
    .option('--executors <list>', 'GRAPHQL_EXECUTOR variants to run', executorList, ['graphql-jit'])
    .option(
      '--node-options <list>',
      "NODE_OPTIONS variants of the subgraph, separated by ';' (an empty one is none), e.g. --node-options=';--max-semi-space-size=8'",
      (value: string) => value.split(';').map((variant) => variant.trim()),
    )
    .option('--against <dir>', 'another built checkout to run as "before", alternating with this one (its dist/)')
    .option('--rounds <n>', 'alternating rounds of every variant', positive('--rounds'), 1)
    .option(
      '--events <n>',
      'follower events consumed by one instance (default 200,000; --quick 50,000)',
      positive('--events'),
    )
    .option('--no-events', 'do not measure the event consumer')
    .option('--events-only', 'measure the event consumer only (NATS at BENCH_NATS_URL, Redis at BENCH_REDIS_URL)')
    .option(
      '--tracing',
      'also run every variant with tracing on (OTLP/JSON to a sink in this process, a traceparent on every request), and print the CPU cost',
    )
    .addHelpText(
      'after',
      `\nThe database is BENCH_DATABASE_URL (default ${DEFAULT_DATABASE_URL}); it is dropped and recreated, and so\n` +
        'is the same name with _events for the event runs, on NATS at BENCH_NATS_URL (default nats://127.0.0.1:4222)\n' +
        'with the change feed on BENCH_REDIS_URL (default redis://127.0.0.1:6379).',
    )
    .parse(argv);
  const given = program.opts<{
    quick?: boolean;
    accounts?: number;
    posts?: number;
    duration?: number;
    warmup?: number;
    connections: number;
    sizes: number[];
    bodies: number;
    cacheTtlMs: number;
    redisUrl?: string;
    reuseDatabase?: boolean;
    profile?: boolean;
    encryption: 'on' | 'off' | 'both';
    executors: string[];
    nodeOptions?: string[];
    against?: string;
    rounds: number;
    events: number | false | true;
    eventsOnly?: boolean;
    tracing?: boolean;
  }>();
  const quick = given.quick === true;
  return {
    databaseUrl: env.BENCH_DATABASE_URL || DEFAULT_DATABASE_URL,
    accounts: given.accounts ?? (quick ? 100_000 : 1_000_000),
    posts: given.posts ?? (quick ? 50_000 : 500_000),
    duration: given.duration ?? (quick ? 5 : 10),
    warmup: given.warmup ?? (quick ? 2 : 3),
    connections: given.connections,
    sizes: given.sizes,
    bodies: given.bodies,
    cacheTtlMs: given.cacheTtlMs,
    redisUrl: given.redisUrl ?? env.BENCH_REDIS_URL,
    reuseDatabase: given.reuseDatabase === true,
    profile: given.profile === true,
    encryption: given.encryption === 'both' ? ['off', 'on'] : [given.encryption],
    quick,
    executors: given.executors,
    nodeOptions: given.nodeOptions ?? [''],
    against: given.against,
    rounds: given.rounds,
    events: given.events === false ? 0 : typeof given.events === 'number' ? given.events : quick ? 50_000 : 200_000,
    eventsOnly: given.eventsOnly === true,
    natsUrl: env.BENCH_NATS_URL || 'nats://127.0.0.1:4222',
    tracing: given.tracing === true,
  };
}

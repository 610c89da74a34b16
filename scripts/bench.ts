// `npm run bench`: the read path against the raw MySQL limit, in one run on this machine (see
// docs/performance.md). Fills a database through the import command, measures raw batched lookups on it, then the
// subgraph in production mode with the account cache off and on, and writes bench-results/<time>.json.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { countAccounts, describeDatabase, fillDatabase } from './bench/dataset';
import { driveEntities, entitiesBodies } from './bench/entities-load';
import { distinctIds, randomIdSets } from './bench/id-sets';
import { parseBenchOptions } from './bench/options';
import { measureRawLookups } from './bench/raw-lookups';
import { formatResults, type BenchResults, type SubgraphRun } from './bench/report';
import { startSubgraph, THIS_CHECKOUT } from './bench/subgraph-process';

const RESULTS_DIR = join(__dirname, '..', '..', 'bench-results'); // run from dist/scripts/
const POOL_SIZE = 10; // DB_POOL_SIZE's default: the raw pool is the service's pool

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

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv, process.env);
  const startedAt = new Date();
  const load = { connections: options.connections, warmupSeconds: options.warmup, durationSeconds: options.duration };

  let dataset: BenchResults['dataset'];
  if (options.reuseDatabase && (await countAccounts(options.databaseUrl)) === options.accounts) {
    log('reusing the benchmark database');
    dataset = {
      accounts: options.accounts,
      reused: true,
      statuses: await describeDatabase(options.databaseUrl, options.accounts),
    };
  } else {
    dataset = await fillDatabase(options.databaseUrl, options.accounts, log);
  }

  const idSets = new Map(
    options.sizes.map((size) => [size, randomIdSets(options.accounts, size, options.bodies, size)]),
  );
  const raw = [];
  for (const [size, sets] of idSets) {
    log(`raw mysql2 lookups, IN(${size})`);
    raw.push(
      await measureRawLookups(options.databaseUrl, sets, {
        concurrency: options.connections,
        poolSize: POOL_SIZE,
        warmupSeconds: options.warmup,
        durationSeconds: options.duration,
      }),
    );
  }

  const subgraph: SubgraphRun[] = [];
  const profileDir = join(RESULTS_DIR, 'profiles');
  // Every variant once a round, alternating: the machine's drift falls on all of them alike.
  const checkouts =
    options.against === undefined
      ? [['this', THIS_CHECKOUT]]
      : [
          ['before', options.against],
          ['this', THIS_CHECKOUT],
        ];
  const variants = checkouts.flatMap(([name, checkout]) =>
    options.executors.map((executor) => ({ name: `${name} ${executor}`, checkout: checkout!, executor })),
  );
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const variant of variants) {
      for (const cache of ['off', 'on'] as const) {
        const nodeArgs = options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
        const env = {
          ACCOUNT_CACHE_TTL_MS: cache === 'on' ? String(options.cacheTtlMs) : '0',
          DB_POOL_SIZE: String(POOL_SIZE),
          GRAPHQL_EXECUTOR: variant.executor,
        };
        const server = await startSubgraph(options.databaseUrl, env, nodeArgs, variant.checkout);
        try {
          for (const [size, sets] of idSets) {
            log(`round ${round}, ${variant.name}, ${size} User references, cache ${cache}`);
            const bodies = entitiesBodies(sets);
            const result = await driveEntities(server.url, options.databaseUrl, bodies, size, load, server.cpuMicros);
            const memory = server.memory();
            subgraph.push({
              ...result,
              variant: variant.name,
              round,
              cache,
              serverRssBytes: memory.rssBytes,
              serverPeakRssBytes: memory.peakRssBytes,
              distinctIds: distinctIds(sets),
            });
          }
        } finally {
          await server.stop();
        }
      }
    }
  }

  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    machine: { cpus: cpus().length, node: process.version, mysql: await mysqlVersion(options.databaseUrl) },
    options: { ...options, databaseUrl: undefined },
    dataset,
    raw,
    subgraph,
  };
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

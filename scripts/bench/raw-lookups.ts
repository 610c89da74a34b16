// The ceiling: the same batched lookup the read path sends (SELECT <columns> FROM accounts WHERE user_id IN
// (...)), straight from a mysql2 pool of the service's size, at the same concurrency as the HTTP load. No
// GraphQL, no HTTP: what MySQL and the driver can do on this machine, measured beside the subgraph.
import mysql from 'mysql2/promise';
import { SELECT_ACCOUNTS } from '../../src/db/account-rows';
import { percentile } from './latency';

export interface RawResult {
  idsPerLookup: number;
  lookupsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface RawLoad {
  concurrency: number;
  poolSize: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export async function measureRawLookups(databaseUrl: string, idSets: string[][], load: RawLoad): Promise<RawResult> {
  const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: load.poolSize, timezone: 'Z' });
  const sql = `${SELECT_ACCOUNTS} WHERE user_id IN (?)`; // mysql2 expands the array into ?, ?, ...
  let next = 0;
  let measuring = false;
  let stop = false;
  const latencies: number[] = [];
  const worker = async () => {
    while (!stop) {
      const ids = idSets[next++ % idSets.length];
      const started = performance.now();
      await pool.query(sql, [ids]);
      if (measuring) latencies.push(performance.now() - started);
    }
  };
  try {
    const workers = Array.from({ length: load.concurrency }, worker);
    await new Promise((resolve) => setTimeout(resolve, load.warmupSeconds * 1000));
    measuring = true;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, load.durationSeconds * 1000));
    measuring = false;
    const seconds = (performance.now() - started) / 1000;
    stop = true;
    await Promise.all(workers);
    latencies.sort((a, b) => a - b);
    return {
      idsPerLookup: idSets[0]?.length ?? 0,
      lookupsPerSecond: latencies.length / seconds,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
    };
  } finally {
    await pool.end();
  }
}

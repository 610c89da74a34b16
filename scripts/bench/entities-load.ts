// Drives the subgraph with `_entities` requests as the router sends them, with autocannon (keep-alive
// connections, pipelining 1), and counts the SQL the server sent meanwhile.
//
// SQL queries per request come from MariaDB's global `Com_select` counter: its increase over the measured
// window divided by the requests completed in it. Nothing in the production code changes to measure it; it
// is approximate because it counts every SELECT on the server (the bench itself sends none while measuring;
// the subgraph's policy refresh adds one every POLICY_REFRESH_SECONDS, ~0.0001 per request).
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { BENCH_ROUTER_SECRET } from './subgraph-process';

const QUERY =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { displayName verifiedRealName identityLabel { status restricted } } } }';

/** A signed-in, verified viewer: disclosed names are let out, so the full answer is built. */
/** What the router sends: its shared secret and a verified viewer. */
export const BENCH_VIEWER = {
  'router-authorization': BENCH_ROUTER_SECRET,
  'x-viewer-id': 'bench-viewer',
  'x-viewer-verified': 'true',
};

export interface LoadResult {
  references: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
  sqlQueriesPerRequest: number;
  /** The server's CPU time over the measured window, per entity answered, in microseconds. */
  serverCpuMicrosPerEntity: number;
  /** The same, per request. */
  serverCpuMicrosPerRequest: number;
}

export interface Load {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Sent with every request besides the router's (a traceparent, in a --tracing run). */
  headers?: Record<string, string>;
}

export function entitiesBodies(idSets: string[][]): string[] {
  return idSets.map((ids) =>
    JSON.stringify({
      query: QUERY,
      variables: { representations: ids.map((id) => ({ __typename: 'User', id, nickname: `nick-${id}` })) },
    }),
  );
}

/** One request, checked: the run is meaningless if the answers are errors. */
export async function checkAnswer(
  url: string,
  body: string,
  references: number,
  headers: Record<string, string> = {},
): Promise<void> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...BENCH_VIEWER, ...headers },
    body,
  });
  const result = (await response.json()) as { data?: { _entities?: unknown[] }; errors?: { message: string }[] };
  if (!response.ok || result.errors !== undefined || result.data?._entities?.length !== references) {
    throw new Error(`unexpected answer (${response.status}): ${JSON.stringify(result.errors ?? result).slice(0, 500)}`);
  }
}

function run(
  url: string,
  bodies: string[],
  connections: number,
  seconds: number,
  headers: Record<string, string>,
): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `${url}/graphql`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...BENCH_VIEWER, ...headers },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
      },
    ],
  });
}

async function selectsSoFar(connection: mysql.Connection): Promise<number> {
  const [rows] = await connection.query(`SHOW GLOBAL STATUS LIKE 'Com_select'`);
  return Number((rows as { Value: string }[])[0]?.Value ?? NaN);
}

export async function driveEntities(
  url: string,
  databaseUrl: string,
  bodies: string[],
  references: number,
  load: Load,
  serverCpuSeconds: () => number,
): Promise<LoadResult> {
  const headers = load.headers ?? {};
  await checkAnswer(url, bodies[0] ?? '', references, headers);
  await run(url, bodies, load.connections, load.warmupSeconds, headers);
  const status = await mysql.createConnection(databaseUrl);
  try {
    const selectsBefore = await selectsSoFar(status);
    const cpuBefore = serverCpuSeconds();
    const result = await run(url, bodies, load.connections, load.durationSeconds, headers);
    const cpu = serverCpuSeconds() - cpuBefore;
    const selects = (await selectsSoFar(status)) - selectsBefore;
    return {
      references,
      requestsPerSecond: result.requests.total / result.duration,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      requests: result.requests.total,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      sqlQueriesPerRequest: result.requests.total > 0 ? selects / result.requests.total : NaN,
      serverCpuMicrosPerEntity: result.requests.total > 0 ? (cpu * 1e6) / (result.requests.total * references) : NaN,
      serverCpuMicrosPerRequest: result.requests.total > 0 ? (cpu * 1e6) / result.requests.total : NaN,
    };
  } finally {
    await status.end();
  }
}

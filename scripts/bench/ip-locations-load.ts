// The IP location side of the benchmark: the write rate of POST /ip-locations (bodies of 1,000 records, a
// few at a time, as a posts service's workers would send them), then the request bodies of the read run:
// 100 Post references asking displayName and ipLocation, as a feed page does through the router.
import mysql from 'mysql2/promise';
import { benchUserId } from './dataset';

export const BENCH_WRITER_SECRET = 'benchmark-posts-service-writer-secret';
const RECORDS_PER_REQUEST = 1000;
const WRITERS = 4;
/** The first and last usable addresses are private or reserved; the database is mostly public space. */
const ADDRESS_SPACE = 2 ** 32;

export const POST_QUERY =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Post { displayName ipLocation { label countryCode regionCode recordedAt } } } }';

export function benchPostId(index: number): string {
  return `bench-post-${index}`;
}

/** Deterministic: the same post always has the same author and address, so the read run can name them. */
function scramble(index: number, salt: number): number {
  let value = Math.imul(index ^ salt, 0x9e3779b1) >>> 0;
  value = Math.imul(value ^ (value >>> 16), 0x85ebca6b) >>> 0;
  return (value ^ (value >>> 13)) >>> 0;
}

export function authorOfPost(index: number, accounts: number): string {
  return benchUserId(scramble(index, 1) % accounts);
}

function addressOfPost(index: number): string {
  if (index % 10 === 9) return `240e:${(scramble(index, 2) % 0xffff).toString(16)}::${(index % 0xffff).toString(16)}`;
  const value = scramble(index, 3) % ADDRESS_SPACE;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export interface WriteResult {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  requests: number;
  writers: number;
  p50Ms: number;
  p99Ms: number;
}

async function clearLocations(databaseUrl: string): Promise<void> {
  const connection = await mysql.createConnection(databaseUrl);
  try {
    await connection.query('DELETE FROM post_ip_locations');
    await connection.query('DELETE FROM user_ip_locations');
  } finally {
    await connection.end();
  }
}

/** Records `posts` new posts' locations through the endpoint, WRITERS requests at a time; every one must be stored. */
export async function measureWrites(
  url: string,
  databaseUrl: string,
  posts: number,
  accounts: number,
): Promise<WriteResult> {
  await clearLocations(databaseUrl);
  const at = new Date(Date.now() - 60_000).getTime();
  const bodies: string[] = [];
  for (let start = 0; start < posts; start += RECORDS_PER_REQUEST) {
    const records = [];
    for (let index = start; index < Math.min(start + RECORDS_PER_REQUEST, posts); index++) {
      records.push({
        postId: benchPostId(index),
        userId: authorOfPost(index, accounts),
        ip: addressOfPost(index),
        at: new Date(at - (posts - index) * 1000).toISOString(),
      });
    }
    bodies.push(JSON.stringify({ records }));
  }
  const latencies: number[] = [];
  let next = 0;
  const writer = async () => {
    for (let body = bodies[next++]; body !== undefined; body = bodies[next++]) {
      const started = performance.now();
      const response = await fetch(`${url}/ip-locations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_WRITER_SECRET}` },
        body,
      });
      const answer = (await response.json()) as { stored?: number; rejected?: unknown[] };
      latencies.push(performance.now() - started);
      if (!response.ok || answer.rejected?.length !== 0) {
        throw new Error(`POST /ip-locations answered ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: WRITERS }, writer));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (share: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))] ?? NaN;
  return {
    records: posts,
    seconds,
    recordsPerSecond: posts / seconds,
    requests: bodies.length,
    writers: WRITERS,
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
  };
}

/** Request bodies of `size` random recorded posts each, with their authors as the router sends them. */
export function postEntitiesBodies(
  posts: number,
  accounts: number,
  size: number,
  count: number,
  seed: number,
): string[] {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const representations = Array.from({ length: size }, () => {
      const index = Math.floor(random() * posts);
      const author = authorOfPost(index, accounts);
      return { __typename: 'Post', id: benchPostId(index), author: { id: author, nickname: `nick-${author}` } };
    });
    return JSON.stringify({ query: POST_QUERY, variables: { representations } });
  });
}

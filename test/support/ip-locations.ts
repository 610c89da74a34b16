// Helpers for the IP location tests: the writer's secret, records, the endpoint, and what the tables hold.
import type { DataSource } from 'typeorm';
import type { TestServer } from './server';

export const WRITER_SECRET = 'the-posts-service-writer-secret';
export const WRITER = { authorization: `Bearer ${WRITER_SECRET}` };

export interface LocationRecordFields {
  postId: string;
  userId: string;
  ip: string;
  at: string;
}

let sequence = 0;

/** A record of a post made from Hangzhou (223.5.5.5), overridden by what the test is about. */
export function aLocationRecord(fields: Partial<LocationRecordFields> = {}): LocationRecordFields {
  sequence += 1;
  return {
    postId: `post-${sequence}`,
    userId: `user-${sequence}`,
    ip: '223.5.5.5',
    at: '2026-11-25T10:00:00Z',
    ...fields,
  };
}

export interface EndpointResponse {
  status: number;
  body: any;
  text: string;
}

/** POST /ip-locations with a JSON body (or a raw string), as the posts service sends it. */
export async function postIpLocations(
  server: TestServer,
  body: unknown,
  headers: Record<string, string> = WRITER,
): Promise<EndpointResponse> {
  const response = await fetch(`${server.app.url}/ip-locations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

export async function postLocationRows(dataSource: DataSource): Promise<Record<string, unknown>[]> {
  return dataSource.query(
    'SELECT post_id, user_id, country_code, region_code, recorded_at FROM post_ip_locations ORDER BY post_id',
  );
}

export async function userLocationRows(dataSource: DataSource): Promise<Record<string, unknown>[]> {
  return dataSource.query(
    'SELECT user_id, post_id, country_code, region_code, recorded_at FROM user_ip_locations ORDER BY user_id',
  );
}

/** Every row of every table of the service's database, as text: to look for what must never be stored. */
export async function everyStoredValue(dataSource: DataSource): Promise<string> {
  const tables = (await dataSource.query(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
  )) as { name: string }[];
  const dumps: string[] = [];
  for (const { name } of tables) dumps.push(JSON.stringify(await dataSource.query(`SELECT * FROM \`${name}\``)));
  return dumps.join('\n');
}

// The per-request IP location loader's contract: one read per batch and per table, answers in key order,
// null where nothing is recorded, nothing read for a viewer who may not see locations, and the
// IP_LOCATION_UNAVAILABLE error for every key of a failed read. The source is an in-memory stand-in that
// records every read (integration tests count the SQL).
import { type GraphQLError } from 'graphql';
import type { RecordedLocation } from '../../../src/ip-location/place';
import { createIpLocationLoader, type IpLocationSource } from '../../../src/loaders/ip-location-loader';

const at = new Date('2026-11-25T10:00:00Z');
const ROWS: RecordedLocation[] = [
  { postId: 'p-1', userId: 'u-1', countryCode: 'CN', regionCode: 'CN-GD', recordedAt: at },
  { postId: 'p-2', userId: 'u-2', countryCode: 'HK', regionCode: null, recordedAt: at },
];

function source(fail?: Error): IpLocationSource & { reads: [string, string[]][] } {
  const reads: [string, string[]][] = [];
  const answer = (table: string, key: 'postId' | 'userId') => async (ids: readonly string[]) => {
    reads.push([table, [...ids]]);
    if (fail !== undefined) throw fail;
    return ROWS.filter((row) => ids.includes(row[key])).reverse(); // any order, like an IN query
  };
  return { reads, posts: answer('posts', 'postId'), users: answer('users', 'userId') };
}

const options = (from: IpLocationSource, visible = true) => ({
  source: from,
  language: 'zh' as const,
  visible,
  maxBatchSize: 1000,
});

it('reads every post of one tick in one read and every account in another, answering in key order', async () => {
  const from = source();
  const loader = createIpLocationLoader(options(from));
  const answers = await Promise.all([
    loader.ofPost('p-2'),
    loader.ofUser('u-1'),
    loader.ofPost('p-1'),
    loader.ofPost('p-unknown'),
    loader.ofPost('p-2'),
  ]);
  expect(from.reads).toEqual([
    ['posts', ['p-2', 'p-1', 'p-unknown']],
    ['users', ['u-1']],
  ]);
  expect(answers.map((answer) => answer?.label ?? null)).toEqual(['中国香港', '广东', '广东', null, '中国香港']);
  expect(answers[2]).toEqual({ label: '广东', countryCode: 'CN', regionCode: 'CN-GD', recordedAt: at });
});

it('does not ask for an id that could not have been stored, and reads nothing when no id could', async () => {
  const from = source();
  const loader = createIpLocationLoader(options(from));
  expect(await Promise.all([loader.ofPost('x'.repeat(65)), loader.ofPost(' p-1')])).toEqual([null, null]);
  expect(from.reads).toEqual([]);
});

it('reads nothing for a viewer who may not see locations, and answers null', async () => {
  const from = source();
  const loader = createIpLocationLoader(options(from, false));
  expect(await Promise.all([loader.ofPost('p-1'), loader.ofUser('u-1')])).toEqual([null, null]);
  expect(from.reads).toEqual([]);
});

it('a failed read is IP_LOCATION_UNAVAILABLE for every key of its batch, without the cause in the message', async () => {
  const loader = createIpLocationLoader(options(source(new Error('connect ECONNREFUSED 10.0.0.5:3306'))));
  const results = await Promise.allSettled([loader.ofPost('p-1'), loader.ofPost('p-2')]);
  for (const result of results) {
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason as GraphQLError;
    expect(error.extensions.code).toBe('IP_LOCATION_UNAVAILABLE');
    expect(error.message).not.toContain('10.0.0.5');
  }
});

// Post.ipLocation and User.ipLocation as the router asks for them: recorded through POST /ip-locations,
// read in one batch each per request, beside the real-name fields and their one account query.
import { anAccount } from '../../support/factories';
import { postIpLocations, WRITER_SECRET } from '../../support/ip-locations';
import { userRef, useTestServer, VERIFIED_VIEWER } from '../../support/server';

const NOW = new Date('2026-11-25T12:00:00Z');
const COUNT = 1000;
const users = Array.from({ length: 20 }, (_, index) => `u-${index}`);
/** Where post p-<n> was made from, in turn. */
const PLACES = [
  { ip: '223.5.5.5', label: '浙江', countryCode: 'CN', regionCode: 'CN-ZJ' },
  { ip: '203.198.7.66', label: '中国香港', countryCode: 'HK', regionCode: null },
  { ip: '8.8.8.8', label: '美国', countryCode: 'US', regionCode: null },
  { ip: '2400:3200::1', label: '浙江', countryCode: 'CN', regionCode: 'CN-ZJ' },
  { ip: '10.1.2.3', label: '未知', countryCode: null, regionCode: null },
];
const postAt = (index: number) => new Date(Date.parse('2026-11-25T00:00:00Z') + index * 1000);
const authorOf = (index: number) => users[index % users.length]!;

const server = useTestServer({
  env: { IP_LOCATION_WRITER_SECRET: WRITER_SECRET },
  now: NOW,
  accounts: users.map((userId, index) =>
    anAccount({ userId, realName: `Name ${index}`, followerCount: 2_000_000, consent: 'YES' }),
  ),
});

beforeAll(async () => {
  const records = Array.from({ length: COUNT }, (_, index) => ({
    postId: `p-${index}`,
    userId: authorOf(index),
    ip: PLACES[index % PLACES.length]!.ip,
    at: postAt(index).toISOString(),
  }));
  const response = await postIpLocations(server, { records });
  expect(response.body).toEqual({ stored: COUNT, unchanged: 0, erased: 0, rejected: [] });
});

const LOCATION = 'ipLocation { label countryCode regionCode recordedAt }';
const postRef = (index: number) => ({ __typename: 'Post', id: `p-${index}` });

/** The SELECTs of one table the service sent while `run` ran. */
async function selectsOf(run: () => Promise<unknown>) {
  const before = server.queries.length;
  await run();
  const sent = server.queries.slice(before).filter((sql) => /^\s*SELECT\b/i.test(sql));
  return {
    posts: sent.filter((sql) => /\bpost_ip_locations\b/.test(sql)).length,
    users: sent.filter((sql) => /\buser_ip_locations\b/.test(sql)).length,
    accounts: sent.filter((sql) => /\baccounts\b/.test(sql)).length,
  };
}

function expectedLocationOfPost(index: number) {
  const { label, countryCode, regionCode } = PLACES[index % PLACES.length]!;
  return { label, countryCode, regionCode, recordedAt: postAt(index).toISOString() };
}

describe.each([1, 100, 1000])('%i Post references asking ipLocation', (size) => {
  it('are answered with one query of the posts’ locations, in key order, and no account query', async () => {
    const wanted = Array.from({ length: size }, (_, index) => size - 1 - index); // not the database's order
    let body: Awaited<ReturnType<typeof server.entities>> = {};
    const selects = await selectsOf(async () => {
      body = await server.entities(wanted.map(postRef), `... on Post { id ${LOCATION} }`);
    });
    expect(body.errors).toBeUndefined();
    expect(selects).toEqual({ posts: 1, users: 0, accounts: 0 });
    expect(body.data?._entities).toEqual(
      wanted.map((index) => ({ id: `p-${index}`, ipLocation: expectedLocationOfPost(index) })),
    );
  });
});

describe.each([1, 100, 1000])('%i User references asking ipLocation with the real-name fields', (size) => {
  it('are answered with one query of the accounts’ latest locations and one account query', async () => {
    const wanted = Array.from({ length: size }, (_, index) => authorOf(index));
    let body: Awaited<ReturnType<typeof server.entities>> = {};
    const selects = await selectsOf(async () => {
      body = await server.entities(
        wanted.map((id) => userRef(id)),
        `... on User { id displayName verifiedRealName ${LOCATION} }`,
      );
    });
    expect(body.errors).toBeUndefined();
    expect(selects).toEqual({ posts: 0, users: 1, accounts: 1 });
    const entities = body.data?._entities as { id: string; displayName: string; ipLocation: unknown }[];
    for (const entity of entities) {
      const user = Number(entity.id.slice(2));
      // The latest post of u-<k> is the last index with that author: 980 + k.
      expect(entity.ipLocation).toEqual(expectedLocationOfPost(COUNT - users.length + user));
      expect(entity.displayName).toBe(`nick-${entity.id} (Name ${user})`);
    }
  });
});

it('a feed page mixing Posts and Users, locations and real names: one query of each table', async () => {
  const representations = Array.from({ length: 100 }, (_, index) =>
    index % 2 === 0
      ? { __typename: 'Post', id: `p-${index}`, author: { id: authorOf(index), nickname: `n${index}` } }
      : userRef(authorOf(index)),
  );
  let body: Awaited<ReturnType<typeof server.entities>> = {};
  const selects = await selectsOf(async () => {
    body = await server.entities(
      representations,
      `... on Post { displayName verifiedRealName ${LOCATION} } ... on User { displayName identityLabel { status } ${LOCATION} }`,
    );
  });
  expect(body.errors).toBeUndefined();
  expect(selects).toEqual({ posts: 1, users: 1, accounts: 1 });
  expect((body.data?._entities as any[])[0]).toEqual({
    displayName: 'n0 (Name 0)',
    verifiedRealName: 'Name 0',
    ipLocation: expectedLocationOfPost(0),
  });
});

it('a post or an account without a recorded location: null, no error', async () => {
  const body = await server.entities(
    [
      { __typename: 'Post', id: 'never-recorded' },
      userRef('never-posted'),
      { __typename: 'Post', id: 'p'.repeat(200) },
    ],
    `... on Post { ${LOCATION} } ... on User { ${LOCATION} }`,
  );
  expect(body).toEqual({ data: { _entities: [{ ipLocation: null }, { ipLocation: null }, { ipLocation: null }] } });
});

it('an anonymous viewer sees locations too (IP_LOCATION_VIEWERS defaults to anyone)', async () => {
  const body = await server.entities([postRef(0)], `... on Post { ${LOCATION} }`, {});
  expect(body).toEqual({ data: { _entities: [{ ipLocation: expectedLocationOfPost(0) }] } });
});

it('a repeated reference is asked once', async () => {
  let body: Awaited<ReturnType<typeof server.entities>> = {};
  const before = server.queries.length;
  await selectsOf(async () => {
    body = await server.entities(
      [postRef(3), postRef(3), postRef(4)],
      `... on Post { ipLocation { label } }`,
      VERIFIED_VIEWER,
    );
  });
  const select = server.queries.slice(before).find((sql) => /post_ip_locations/.test(sql))!;
  expect(select.match(/\?/g)).toHaveLength(2);
  expect(body.data?._entities).toEqual([
    { ipLocation: { label: '浙江' } },
    { ipLocation: { label: '浙江' } },
    { ipLocation: { label: '未知' } },
  ]);
});

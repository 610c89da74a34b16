// IP_LOCATION_LANGUAGE and IP_LOCATION_VIEWERS on the real service.
import { postIpLocations, WRITER_SECRET } from '../../support/ip-locations';
import { userRef, useTestServer } from '../../support/server';

const server = useTestServer({
  env: { IP_LOCATION_WRITER_SECRET: WRITER_SECRET, IP_LOCATION_LANGUAGE: 'en', IP_LOCATION_VIEWERS: 'verified' },
  now: new Date('2026-11-25T12:00:00Z'),
});

beforeAll(async () => {
  const at = '2026-11-25T10:00:00Z';
  const records = [
    { postId: 'p-gd', userId: 'u-1', ip: '202.96.128.86', at },
    { postId: 'p-hk', userId: 'u-2', ip: '203.198.7.66', at },
    { postId: 'p-us', userId: 'u-3', ip: '8.8.8.8', at },
    { postId: 'p-lan', userId: 'u-4', ip: '192.168.1.1', at },
  ];
  expect((await postIpLocations(server, { records })).body).toMatchObject({ stored: 4 });
});

const REFS = [
  { __typename: 'Post', id: 'p-gd' },
  { __typename: 'Post', id: 'p-hk' },
  { __typename: 'Post', id: 'p-us' },
  { __typename: 'Post', id: 'p-lan' },
  userRef('u-1'),
];
const FIELDS = '... on Post { ipLocation { label } } ... on User { ipLocation { label } }';

it('a verified viewer is shown the labels in English', async () => {
  const body = await server.entities(REFS, FIELDS, { 'x-viewer-id': 'v-1', 'x-viewer-verified': 'true' });
  expect(body.data?._entities).toEqual([
    { ipLocation: { label: 'Guangdong' } },
    { ipLocation: { label: 'Hong Kong, China' } },
    { ipLocation: { label: 'United States' } },
    { ipLocation: { label: 'Unknown' } },
    { ipLocation: { label: 'Guangdong' } },
  ]);
});

it.each([
  ['an anonymous viewer', {}],
  ['a signed-in viewer who is not verified', { 'x-viewer-id': 'v-2', 'x-viewer-verified': 'false' }],
  ['the author, unverified, on their own post', { 'x-viewer-id': 'u-1', 'x-viewer-verified': 'false' }],
])('%s is shown null everywhere, and no location is read', async (_viewer, headers) => {
  const before = server.queries.length;
  const body = await server.entities(REFS, FIELDS, headers);
  expect(body).toEqual({ data: { _entities: REFS.map(() => ({ ipLocation: null })) } });
  expect(server.queries.slice(before).filter((sql) => /ip_locations/.test(sql))).toEqual([]);
});

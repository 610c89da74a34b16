// The embedded demo (no DATABASE_URL): POST /ip-locations is open without a secret, for the demo's stand-in
// posts service, and the same SQL runs on SQLite (sql.js).
import {
  aLocationRecord,
  postIpLocations,
  postLocationRows,
  userLocationRows,
  WRITER_SECRET,
} from '../../support/ip-locations';
import { startTestServer, useTestServer } from '../../support/server';

const server = useTestServer({ env: { DATABASE_URL: undefined }, now: new Date('2026-11-25T12:00:00Z') });

const at = (time: string) => `2026-11-25T${time}Z`;

it('records without a secret, and serves the locations', async () => {
  const response = await postIpLocations(
    server,
    { records: [aLocationRecord({ postId: 'p-1', userId: 'demo-small', ip: '114.114.114.114', at: at('09:00:00') })] },
    {},
  );
  expect(response.body).toEqual({ stored: 1, unchanged: 0, erased: 0, rejected: [] });
  const body = await server.entities(
    [
      { __typename: 'Post', id: 'p-1' },
      { __typename: 'User', id: 'demo-small', nickname: 'leilei' },
    ],
    '... on Post { ipLocation { label regionCode recordedAt } } ... on User { displayName ipLocation { label } }',
  );
  expect(body).toEqual({
    data: {
      _entities: [
        { ipLocation: { label: '江苏', regionCode: 'CN-JS', recordedAt: '2026-11-25T09:00:00.000Z' } },
        { displayName: 'leilei', ipLocation: { label: '江苏' } },
      ],
    },
  });
});

it('a repeat changes nothing; the latest moves forward only; a tie goes to the greater post id', async () => {
  const send = (postId: string, ip: string, time: string) =>
    postIpLocations(server, { records: [aLocationRecord({ postId, userId: 'u-e', ip, at: at(time) })] }, {});
  await send('e-2', '8.8.8.8', '10:00:00');
  expect((await send('e-2', '223.5.5.5', '11:00:00')).body).toEqual({
    stored: 0,
    unchanged: 1,
    erased: 0,
    rejected: [],
  });
  await send('e-1', '223.5.5.5', '09:00:00'); // earlier: the latest stays e-2
  await send('e-3', '203.198.7.66', '10:00:00'); // same time, greater id: e-3
  await send('e-0', '61.220.0.1', '10:00:00'); // same time, smaller id: stays e-3
  expect((await userLocationRows(server.app.dataSource)).filter((row) => row.user_id === 'u-e')).toEqual([
    expect.objectContaining({ post_id: 'e-3', country_code: 'HK' }),
  ]);
  expect((await postLocationRows(server.app.dataSource)).find((row) => row.post_id === 'e-2')).toMatchObject({
    country_code: 'US',
  });
});

it('takes 1,000 records in one request, and concurrent requests', async () => {
  const batch = (prefix: string) => ({
    records: Array.from({ length: 1000 }, (_, index) =>
      aLocationRecord({ postId: `${prefix}-${index}`, userId: `u-${index % 13}`, at: at('08:00:00') }),
    ),
  });
  const responses = await Promise.all(['a', 'b', 'c'].map((prefix) => postIpLocations(server, batch(prefix), {})));
  for (const response of responses)
    expect(response.body).toEqual({ stored: 1000, unchanged: 0, erased: 0, rejected: [] });
});

it('with IP_LOCATION_WRITER_SECRET set, the embedded demo asks for it too', async () => {
  const secured = await startTestServer({ DATABASE_URL: undefined, IP_LOCATION_WRITER_SECRET: WRITER_SECRET });
  try {
    expect((await postIpLocations(secured, { records: [aLocationRecord()] }, {})).status).toBe(401);
    expect((await postIpLocations(secured, { records: [aLocationRecord()] })).status).toBe(200);
  } finally {
    await secured.close();
  }
});

// MySQL drops, stalls and comes back, for real: a TCP proxy of the tests' own sits between the service and
// the database. Requests never hang, never guess a real name, and the service recovers by itself.
import { useDatabaseProxy } from '../../support/database';
import { anAccount } from '../../support/factories';
import { aLocationRecord, postIpLocations, postLocationRows, WRITER_SECRET } from '../../support/ip-locations';
import { USER_FIELDS, userRef, useTestServer, type TestServer } from '../../support/server';

const QUERY_TIMEOUT_MS = 500;

const logLines: string[] = [];
const proxy = useDatabaseProxy();
const server = useTestServer({
  logLines,
  databaseUrl: (url) => proxy.urlFor(url),
  env: {
    DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
    DB_CONNECT_TIMEOUT_MS: '500',
    DB_POOL_SIZE: '2',
    DB_QUEUE_LIMIT: '2',
    NOTIFY_INTERVAL_SECONDS: '0',
    IP_LOCATION_WRITER_SECRET: WRITER_SECRET,
  },
  accounts: [anAccount({ userId: 'star', realName: 'Zhuge Liang', followerCount: 3_000_000, consent: 'YES' })],
});

afterEach(() => proxy.restore());

const star = () => [userRef('star', 'kongming')];
const healthy = { displayName: 'kongming (Zhuge Liang)', verifiedRealName: 'Zhuge Liang' };

async function expectDegraded(body: Awaited<ReturnType<TestServer['entities']>>) {
  // displayName falls back to the nickname; the name fields are null with IDENTITY_UNAVAILABLE.
  expect(body.errors?.length).toBeGreaterThan(0);
  for (const error of body.errors ?? []) expect(error.extensions?.code).toBe('IDENTITY_UNAVAILABLE');
  expect(JSON.stringify(body)).not.toContain('Zhuge Liang');
}

it('serves normally through the proxy', async () => {
  const body = await server.entities(star(), '... on User { displayName verifiedRealName }');
  expect(body).toEqual({ data: { _entities: [healthy] } });
});

it('with the database dropped: the nickname, IDENTITY_UNAVAILABLE, /ready 503; then it recovers by itself', async () => {
  proxy.drop();
  const body = await server.entities(star(), '... on User { displayName verifiedRealName }');
  await expectDegraded(body);
  expect(body.data?._entities).toEqual([{ displayName: 'kongming', verifiedRealName: null }]);
  expect((await fetch(`${server.app.url}/ready`)).status).toBe(503);

  proxy.restore();
  const recovered = await server.entities(star(), '... on User { displayName verifiedRealName }');
  expect(recovered).toEqual({ data: { _entities: [healthy] } });
  expect((await fetch(`${server.app.url}/ready`)).status).toBe(200);
});

it('a stalled database does not hang requests: they answer within the query timeout, degraded', async () => {
  proxy.stall();
  const started = Date.now();
  const body = await server.entities(star(), '... on User { displayName verifiedRealName }');
  const elapsed = Date.now() - started;
  await expectDegraded(body);
  expect(body.data?._entities).toEqual([{ displayName: 'kongming', verifiedRealName: null }]);
  expect(elapsed).toBeLessThan(QUERY_TIMEOUT_MS * 10); // a bound on hanging, not a speed claim

  proxy.restore();
  // The stalled connections were abandoned; fresh ones serve again.
  const recovered = await server.entities(star(), '... on User { displayName verifiedRealName }');
  expect(recovered).toEqual({ data: { _entities: [healthy] } });
});

it('identityLabel cannot be guessed either: asking for it costs the whole entity (the contract makes it non-null)', async () => {
  proxy.drop();
  const body = await server.entities(star(), USER_FIELDS);
  await expectDegraded(body);
  expect(body.errors?.[0]?.path?.slice(0, 2)).toEqual(['_entities', 0]);
  expect(body.data?._entities).toEqual([null]);
});

it('a full pool sheds load with a clear error instead of queueing without bound', async () => {
  proxy.stall();
  // Pool of 2, queue of 2: of 12 concurrent lookups, the ones past the queue fail at once.
  const requests = Array.from({ length: 12 }, (_, index) =>
    server.entities([userRef(`u-${index}`, 'n')], '... on User { displayName verifiedRealName }'),
  );
  const bodies = await Promise.all(requests);
  for (const body of bodies) await expectDegraded(body);
  expect(bodies.every((body) => (body.data?._entities as { displayName: string }[])[0]?.displayName === 'n')).toBe(
    true,
  );
});

describe('IP locations', () => {
  const post = (id: string) => [{ __typename: 'Post', id }];

  it('a dropped database: ipLocation is null with IP_LOCATION_UNAVAILABLE; then it recovers by itself', async () => {
    await postIpLocations(server, { records: [aLocationRecord({ postId: 'p-read', at: new Date().toISOString() })] });
    proxy.drop();
    const body = await server.entities(post('p-read'), '... on Post { ipLocation { label } }');
    expect(body.data?._entities).toEqual([{ ipLocation: null }]);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['IP_LOCATION_UNAVAILABLE']);
    proxy.restore();
    expect(await server.entities(post('p-read'), '... on Post { ipLocation { label } }')).toEqual({
      data: { _entities: [{ ipLocation: { label: '浙江' } }] },
    });
  });

  it.each([
    ['dropped', () => proxy.drop()],
    ['stalled', () => proxy.stall()],
  ])('a write to a %s database: 503, nothing half-stored, and the retry stores it', async (_case, breakIt) => {
    const records = Array.from({ length: 50 }, (_, index) => aLocationRecord({ postId: `p-${_case}-${index}` }));
    breakIt();
    const failed = await postIpLocations(server, { records });
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({
      errors: [
        {
          message: 'ip locations could not be stored, try again later',
          extensions: { code: 'IP_LOCATION_UNAVAILABLE' },
        },
      ],
    });
    proxy.restore();
    const rows = await postLocationRows(server.app.dataSource);
    expect(rows.filter((row) => String(row.post_id).startsWith(`p-${_case}-`))).toEqual([]);
    expect((await postIpLocations(server, { records })).body).toEqual({
      stored: 50,
      unchanged: 0,
      erased: 0,
      rejected: [],
    });
  });
});

describe('the consent mutation', () => {
  const SET_CONSENT = 'mutation($consent: Boolean!) { setRealNameConsent(consent: $consent) { status } }';

  it.each([
    ['dropped', () => proxy.drop()],
    ['stalled', () => proxy.stall()],
  ])(
    'with the database %s: IDENTITY_UNAVAILABLE within its bound, never a 500; the retry stores it',
    async (_case, breakIt) => {
      const logLinesBefore = logLines.length;
      breakIt();
      const started = Date.now();
      const failed = await server.post(
        { query: SET_CONSENT, variables: { consent: false } },
        { 'x-viewer-id': 'star' },
      );
      expect(Date.now() - started).toBeLessThan(30_000); // not a timing check: a hang would never answer at all
      expect(failed.status).toBe(200);
      expect(failed.body).toEqual({
        data: null,
        errors: [
          {
            message: 'identity data is unavailable, try again later',
            path: ['setRealNameConsent'],
            locations: [{ line: 1, column: 32 }],
            extensions: { code: 'IDENTITY_UNAVAILABLE' },
          },
        ],
      });
      const logged = logLines.slice(logLinesBefore).map((line) => JSON.parse(line) as { level: number; msg: string });
      expect(logged.filter((entry) => entry.level >= 50)).toEqual([]); // nothing at error level: it is an outage
      expect(logged.map((entry) => entry.msg)).toContain('consent could not be stored');
      proxy.restore();
      const stored = await server.post(
        { query: SET_CONSENT, variables: { consent: false } },
        { 'x-viewer-id': 'star' },
      );
      expect(stored.body).toEqual({ data: { setRealNameConsent: { status: 'REFUSED' } } });
      await server.post({ query: SET_CONSENT, variables: { consent: true } }, { 'x-viewer-id': 'star' }); // as before
    },
  );
});

it('professional labels are never guessed: with the database dropped, PROFESSIONAL_LABELS_UNAVAILABLE, and mayPublishIn costs its entity', async () => {
  proxy.drop();
  const agency = await server.entities(star(), '... on User { mcnAgency { label } }');
  expect(agency.data?._entities).toEqual([{ mcnAgency: null }]);
  expect(agency.errors?.map((error) => error.extensions?.code)).toContain('PROFESSIONAL_LABELS_UNAVAILABLE');
  // false would suspend the account's publishing for a database outage: the contract makes it non-null instead.
  const publish = await server.entities(star(), '... on User { mayPublishIn(field: LAW) }');
  expect(publish.data?._entities).toEqual([null]);
  expect(publish.errors?.map((error) => error.extensions?.code)).toContain('PROFESSIONAL_LABELS_UNAVAILABLE');
  for (const error of [...(agency.errors ?? []), ...(publish.errors ?? [])]) {
    expect(error.message).not.toMatch(/127\.0\.0\.1|ECONN/);
  }
  proxy.restore();
  const recovered = await server.entities(star(), '... on User { mayPublishIn(field: LAW) mcnAgency { label } }');
  expect(recovered).toEqual({ data: { _entities: [{ mayPublishIn: false, mcnAgency: null }] } });
});

// POST /ip-locations, for real: HTTP, MySQL, and the IP database the ip2region package ships.
import { fetchStatusesFromAnotherProcess } from '../../support/client-process';
import { useTestServer } from '../../support/server';
import {
  aLocationRecord,
  everyStoredValue,
  postIpLocations,
  postLocationRows,
  userLocationRows,
  WRITER,
  WRITER_SECRET,
} from '../../support/ip-locations';

const NOW = new Date('2026-11-25T12:00:00Z');
const logLines: string[] = [];
const server = useTestServer({ env: { IP_LOCATION_WRITER_SECRET: WRITER_SECRET }, now: NOW, logLines });

/** Every address a test sent: none may ever be stored, logged or counted. */
const SENT_IPS = new Set<string>();
function record(fields: Parameters<typeof aLocationRecord>[0] = {}) {
  const made = aLocationRecord(fields);
  SENT_IPS.add(made.ip);
  return made;
}

async function clearTables() {
  await server.app.dataSource.query('DELETE FROM post_ip_locations');
  await server.app.dataSource.query('DELETE FROM user_ip_locations');
}

describe('stores what the posts service sends', () => {
  beforeEach(clearTables);

  it('stores the country, the province and the time of each post, and the account’s latest', async () => {
    const records = [
      record({ postId: 'p-zj', userId: 'u-1', ip: '223.5.5.5', at: '2026-11-25T10:00:00Z' }),
      record({ postId: 'p-hk', userId: 'u-2', ip: '203.198.7.66', at: '2026-11-25T10:01:00+08:00' }),
      record({ postId: 'p-us', userId: 'u-3', ip: '8.8.8.8', at: '2026-11-25T10:02:00.123Z' }),
      record({ postId: 'p-lan', userId: 'u-4', ip: '192.168.1.1', at: '2026-11-25T10:03:00Z' }),
      record({ postId: 'p-v6', userId: 'u-5', ip: '240e:1::1', at: '2026-11-25T10:04:00Z' }),
    ];
    const response = await postIpLocations(server, { records });
    expect(response).toMatchObject({ status: 200, body: { stored: 5, unchanged: 0, erased: 0, rejected: [] } });
    expect(await postLocationRows(server.app.dataSource)).toEqual([
      {
        post_id: 'p-hk',
        user_id: 'u-2',
        country_code: 'HK',
        region_code: null,
        recorded_at: new Date('2026-11-25T02:01:00Z'),
      },
      {
        post_id: 'p-lan',
        user_id: 'u-4',
        country_code: null,
        region_code: null,
        recorded_at: new Date('2026-11-25T10:03:00Z'),
      },
      {
        post_id: 'p-us',
        user_id: 'u-3',
        country_code: 'US',
        region_code: null,
        recorded_at: new Date('2026-11-25T10:02:00.123Z'),
      },
      {
        post_id: 'p-v6',
        user_id: 'u-5',
        country_code: 'CN',
        region_code: 'CN-HL',
        recorded_at: new Date('2026-11-25T10:04:00Z'),
      },
      {
        post_id: 'p-zj',
        user_id: 'u-1',
        country_code: 'CN',
        region_code: 'CN-ZJ',
        recorded_at: new Date('2026-11-25T10:00:00Z'),
      },
    ]);
    expect((await userLocationRows(server.app.dataSource)).map((row) => [row.user_id, row.post_id])).toEqual([
      ['u-1', 'p-zj'],
      ['u-2', 'p-hk'],
      ['u-3', 'p-us'],
      ['u-4', 'p-lan'],
      ['u-5', 'p-v6'],
    ]);
  });

  it('is idempotent per post: a repeat changes nothing, whatever it says; the same record again is "stored"', async () => {
    const first = record({ postId: 'p-1', userId: 'u-1', ip: '223.5.5.5', at: '2026-11-25T10:00:00Z' });
    expect((await postIpLocations(server, { records: [first] })).body).toEqual({
      stored: 1,
      unchanged: 0,
      erased: 0,
      rejected: [],
    });
    const before = await postLocationRows(server.app.dataSource);

    expect((await postIpLocations(server, { records: [first] })).body).toEqual({
      stored: 1,
      unchanged: 0,
      erased: 0,
      rejected: [],
    });
    const moved = record({ postId: 'p-1', userId: 'u-1', ip: '8.8.8.8', at: '2026-11-25T11:00:00Z' });
    expect((await postIpLocations(server, { records: [moved] })).body).toEqual({
      stored: 0,
      unchanged: 1,
      erased: 0,
      rejected: [],
    });
    expect(await postLocationRows(server.app.dataSource)).toEqual(before);
    expect((await userLocationRows(server.app.dataSource))[0]).toMatchObject({ post_id: 'p-1', country_code: 'CN' });
  });

  it('refuses a post already recorded for another account, storing nothing for it', async () => {
    await postIpLocations(server, { records: [record({ postId: 'p-1', userId: 'u-1' })] });
    const response = await postIpLocations(server, {
      records: [record({ postId: 'p-1', userId: 'u-2', ip: '8.8.8.8' }), record({ postId: 'p-2', userId: 'u-2' })],
    });
    expect(response.body).toEqual({
      stored: 1,
      unchanged: 0,
      erased: 0,
      rejected: [{ index: 0, reason: 'postId is already recorded for another userId' }],
    });
    expect((await userLocationRows(server.app.dataSource)).map((row) => [row.user_id, row.post_id])).toEqual([
      ['u-1', 'p-1'],
      ['u-2', 'p-2'],
    ]);
  });

  it('keeps each account’s most recent post: a later one moves it, an earlier one arriving late does not', async () => {
    const at = (time: string) => `2026-11-25T${time}Z`;
    await postIpLocations(server, {
      records: [record({ postId: 'p-noon', userId: 'u-1', ip: '8.8.8.8', at: at('10:00:00') })],
    });
    await postIpLocations(server, { records: [record({ postId: 'p-morning', userId: 'u-1', at: at('07:00:00') })] });
    expect(await userLocationRows(server.app.dataSource)).toMatchObject([{ post_id: 'p-noon', country_code: 'US' }]);
    // In one request, out of order: the latest of them wins.
    await postIpLocations(server, {
      records: [
        record({ postId: 'p-1400', userId: 'u-1', ip: '203.198.7.66', at: at('11:30:00') }),
        record({ postId: 'p-1300', userId: 'u-1', ip: '223.5.5.5', at: at('11:00:00') }),
      ],
    });
    expect(await userLocationRows(server.app.dataSource)).toMatchObject([{ post_id: 'p-1400', country_code: 'HK' }]);
  });

  it('two posts of the same millisecond: the greater post id is the latest, in whichever order they arrive', async () => {
    const same = '2026-11-25T10:00:00.000Z';
    for (const order of [
      ['p-a', 'p-b'],
      ['p-b', 'p-a'],
    ]) {
      await clearTables();
      for (const postId of order) {
        const ip = postId === 'p-b' ? '8.8.8.8' : '223.5.5.5';
        await postIpLocations(server, { records: [record({ postId, userId: 'u-1', ip, at: same })] });
      }
      expect(await userLocationRows(server.app.dataSource)).toMatchObject([{ post_id: 'p-b', country_code: 'US' }]);
    }
  });

  // U+1F600 is written in UTF-16 as D83D DE00, which sorts before FF5E; by code point (and by UTF-8 byte,
  // as MySQL compares utf8mb4_bin) it is the greater.
  it.each([
    ['in one request', 'p-\u{1F600} then p-\uFF5E', [['p-\u{1F600}', 'p-\uFF5E']]],
    ['in one request', 'p-\uFF5E then p-\u{1F600}', [['p-\uFF5E', 'p-\u{1F600}']]],
    ['in two requests', 'p-\u{1F600} then p-\uFF5E', [['p-\u{1F600}'], ['p-\uFF5E']]],
    ['in two requests', 'p-\uFF5E then p-\u{1F600}', [['p-\uFF5E'], ['p-\u{1F600}']]],
  ])(
    'a tie is decided by code point %s (%s): the id with the astral character is the later',
    async (_how, _order, requests) => {
      await clearTables();
      const same = '2026-11-25T10:00:00.000Z';
      for (const postIds of requests) {
        const records = postIds.map((postId) =>
          record({ postId, userId: 'u-1', ip: postId === 'p-\u{1F600}' ? '8.8.8.8' : '223.5.5.5', at: same }),
        );
        expect((await postIpLocations(server, { records })).body.stored).toBe(postIds.length);
      }
      expect(await userLocationRows(server.app.dataSource)).toMatchObject([
        { post_id: 'p-\u{1F600}', country_code: 'US' },
      ]);
    },
  );
});

describe('bad input is answered clearly, and nothing of it is stored', () => {
  beforeEach(clearTables);

  it.each([
    [{ ip: 'not-an-ip' }, 'ip is not an IPv4 or IPv6 address'],
    [{ ip: '999.1.1.1' }, 'ip is not an IPv4 or IPv6 address'],
    [{ ip: '223.5.5.5/24' }, 'ip is not an IPv4 or IPv6 address'],
    [{ ip: 3735928559 }, 'ip is not an IPv4 or IPv6 address'],
    [{ ip: undefined }, 'ip is missing'],
    [{ postId: undefined }, 'postId is missing'],
    [{ userId: null }, 'userId is missing'],
    [{ at: undefined }, 'at is missing'],
    [{ postId: '' }, 'postId must be 1-64 characters, got 0'],
    [{ postId: 'p'.repeat(65) }, 'postId must be 1-64 characters, got 65'],
    [{ userId: ' u-1' }, 'userId must not start or end with white space'],
    [{ postId: 42 }, 'postId must be a string, got number'],
    [{ at: '2026-11-25' }, 'at must be an ISO 8601 date-time with a time zone, such as 2026-11-25T10:00:00Z'],
    [{ at: '2026-11-25T10:00:00' }, 'at must be an ISO 8601 date-time with a time zone, such as 2026-11-25T10:00:00Z'],
    [{ at: '2026-13-01T10:00:00Z' }, 'at has a month outside 01-12'],
    [{ at: '2025-02-30T10:00:00Z' }, 'at has no such day in its month'], // not 2 March
    [{ at: '2025-02-29T10:00:00Z' }, 'at has no such day in its month'], // 2025 is no leap year
    [{ at: '2025-06-01T24:00:00Z' }, 'at has an hour past 23 (midnight is 00:00 of the next day)'], // not 2 June
    [{ at: '2025-06-01T23:60:00Z' }, 'at has a minute past 59'],
    [{ at: '2025-06-01T10:00:00+08:60' }, 'at has a time zone offset past ±23:59'],
    [{ at: '2026-11-25T12:06:00Z' }, 'at is in the future'],
    [{ at: '1999-12-31T23:59:59Z' }, 'at is before 2000-01-01'],
    [{ country: 'CN' }, 'unknown field at position 5 of 5; expected postId, userId, ip, at'],
    [{ IP: '223.5.5.5' }, 'unknown field at position 5 of 5; expected postId, userId, ip, at (did you mean "ip"?)'],
  ])('a record with %j is rejected with "%s"; the good record beside it is stored', async (fields, reason) => {
    const bad: Record<string, unknown> = { ...record({ postId: 'p-bad' }), ...fields };
    for (const key of Object.keys(bad)) if (bad[key] === undefined) delete bad[key];
    const good = record({ postId: 'p-good' });
    const response = await postIpLocations(server, { records: [good, bad] });
    expect(response).toMatchObject({
      status: 200,
      body: { stored: 1, unchanged: 0, erased: 0, rejected: [{ index: 1, reason }] },
    });
    expect((await postLocationRows(server.app.dataSource)).map((row) => row.post_id)).toEqual(['p-good']);
    expect(response.text).not.toContain(String(bad.ip));
  });

  it('29 February of a leap year is stored as that day', async () => {
    const response = await postIpLocations(server, {
      records: [record({ postId: 'p-leap', at: '2024-02-29T10:00:00+08:00' })],
    });
    expect(response.body).toEqual({ stored: 1, unchanged: 0, erased: 0, rejected: [] });
    expect(await postLocationRows(server.app.dataSource)).toMatchObject([
      { recorded_at: new Date('2024-02-29T02:00:00Z') },
    ]);
  });

  it('a clock at most five minutes ahead is fine', async () => {
    const response = await postIpLocations(server, { records: [record({ at: '2026-11-25T12:04:59Z' })] });
    expect(response.body).toEqual({ stored: 1, unchanged: 0, erased: 0, rejected: [] });
  });

  it('more than 1,000 records: 400 before anything is stored', async () => {
    const records = Array.from({ length: 1001 }, (_, index) => record({ postId: `p-${index}` }));
    const response = await postIpLocations(server, { records });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errors: [{ message: 'at most 1000 records a request, got 1001', extensions: { code: 'BAD_REQUEST' } }],
    });
    expect(await postLocationRows(server.app.dataSource)).toEqual([]);
  });

  it('exactly 1,000 records are stored in one request', async () => {
    const records = Array.from({ length: 1000 }, (_, index) =>
      record({ postId: `p-${index}`, userId: `u-${index % 7}` }),
    );
    const response = await postIpLocations(server, { records });
    expect(response.body).toEqual({ stored: 1000, unchanged: 0, erased: 0, rejected: [] });
    expect(await userLocationRows(server.app.dataSource)).toHaveLength(7);
  });

  it.each([
    ['not JSON', '{"records": [{"ip": "223.5.5.5"', 400, 'the body is not valid JSON'],
    ['an array', JSON.stringify([aLocationRecord()]), 400, 'the body must be a JSON object: {"records": [...]}'],
    ['without records', '{}', 400, '"records" must be an array'],
    ['with records not a list', '{"records": {"ip": "223.5.5.5"}}', 400, '"records" must be an array'],
    [
      'with another field',
      '{"records": [], "ip": "223.5.5.5"}',
      400,
      'unknown field at position 2 of 2; expected records',
    ],
    ['empty', '', 400, 'the body is empty: send {"records": [...]}'],
  ])('a body that is %s: %d, "%s"', async (_case, body, status, message) => {
    const response = await postIpLocations(server, body);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    expect(response.text).not.toContain('223.5.5.5');
  });

  it('an unknown key is told by its position, never by its text (it may be an address)', async () => {
    const keyed = { ...record({ postId: 'p-keyed' }), '203.0.113.77': true };
    const perRecord = await postIpLocations(server, { records: [keyed] });
    expect(perRecord.body).toEqual({
      stored: 0,
      unchanged: 0,
      erased: 0,
      rejected: [{ index: 0, reason: 'unknown field at position 5 of 5; expected postId, userId, ip, at' }],
    });
    const wholeBody = await postIpLocations(server, { '198.51.100.23': 1, records: [] });
    expect(wholeBody.status).toBe(400);
    expect(wholeBody.body.errors[0].message).toBe('unknown field at position 1 of 2; expected records');
    for (const text of [perRecord.text, wholeBody.text]) {
      expect(text).not.toContain('203.0.113');
      expect(text).not.toContain('198.51.100');
    }
  });

  it('a body that is not JSON: 415', async () => {
    const response = await fetch(`${server.app.url}/ip-locations`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...WRITER },
      body: 'postId,userId,ip,at\np-1,u-1,223.5.5.5,2026-11-25T10:00:00Z',
    });
    expect(response.status).toBe(415);
    expect(await response.text()).not.toContain('223.5.5.5');
  });

  it.each(['/ip-locations', '/graphql'])(
    'a 5 MiB body on %s: 413 every time, received by a client still sending it (not a broken pipe)',
    async (path) => {
      // The client is a process of its own: in this one, it would share the server's event loop and timing.
      const statuses = await fetchStatusesFromAnotherProcess(`${server.app.url}${path}`, {
        times: 20,
        headers: { 'content-type': 'application/json', ...WRITER },
        body: JSON.stringify({ records: [], padding: 'x'.repeat(5 * 1024 * 1024) }),
      });
      expect(statuses).toEqual(new Array(20).fill(413));
    },
  );

  it('a body over 1 MiB: 413', async () => {
    const response = await postIpLocations(server, { records: [], padding: 'x'.repeat(1024 * 1024) });
    expect(response.status).toBe(413);
  });
});

describe('only the posts service gets in', () => {
  it.each([
    ['no authorization', {}],
    ['a wrong secret', { authorization: 'Bearer the-posts-service-writer-secreT' }],
    ['the secret without "Bearer"', { authorization: WRITER_SECRET }],
    ['the router’s header instead', { 'router-authorization': WRITER_SECRET }],
  ])('%s: 401, nothing stored', async (_case, headers) => {
    await clearTables();
    const response = await postIpLocations(server, { records: [record()] }, headers);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ errors: [{ message: 'unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(await postLocationRows(server.app.dataSource)).toEqual([]);
  });
});

describe('a secret in the URL', () => {
  it('is refused, and neither logged nor echoed: the request log has the path without its query string', async () => {
    const secret = 'leaked-in-the-query-string-0123456789';
    const before = logLines.length;
    const refused = await fetch(`${server.app.url}/ip-locations?access_token=${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ records: [] }),
    });
    expect(refused.status).toBe(401);
    const graphql = await fetch(`${server.app.url}/graphql?access_token=${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(graphql.status).toBe(200);
    const nowhere = await fetch(`${server.app.url}/nowhere?access_token=${secret}`);
    expect(nowhere.status).toBe(404);
    expect(await nowhere.text()).not.toContain(secret);

    const logged = logLines.slice(before).map((line) => JSON.parse(line) as Record<string, any>);
    expect(logged.filter((entry) => entry.msg === 'incoming request').map((entry) => entry.req.url)).toEqual([
      '/ip-locations',
      '/graphql',
      '/nowhere',
    ]);
    expect(JSON.stringify(logged)).not.toContain(secret);
    expect(JSON.stringify(logged)).not.toContain('access_token');
  });
});

describe('two writers at once', () => {
  beforeEach(clearTables);

  it('overlapping batches from concurrent requests all succeed, each post stored once, each account’s latest right', async () => {
    // 8 requests of 200 records, each request a different mix of the same 300 posts of 20 accounts.
    const posts = Array.from({ length: 300 }, (_, index) => ({
      postId: `p-${String(index).padStart(3, '0')}`,
      userId: `u-${index % 20}`,
      at: new Date(Date.parse('2026-11-25T00:00:00Z') + index * 60_000).toISOString(),
    }));
    const requests = Array.from({ length: 8 }, (_, request) => {
      const records = Array.from({ length: 200 }, (_, index) => {
        const post = posts[(index * 7 + request * 37) % posts.length]!;
        return record({ ...post, ip: index % 2 === 0 ? '223.5.5.5' : '8.8.8.8' });
      });
      return postIpLocations(server, { records });
    });
    const responses = await Promise.all(requests);
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.body.rejected).toEqual([]);
    }
    const rows = await postLocationRows(server.app.dataSource);
    const latest = await userLocationRows(server.app.dataSource);
    for (const user of latest) {
      const own = rows.filter((row) => row.user_id === user.user_id);
      const newest = own.reduce((a, b) => ((a.recorded_at as Date) >= (b.recorded_at as Date) ? a : b));
      expect(user).toMatchObject({ post_id: newest.post_id, country_code: newest.country_code });
    }
  });
});

describe('hostile input', () => {
  beforeEach(clearTables);

  it('a __proto__ key in a record is refused whole (400), and pollutes nothing', async () => {
    const body = `{"records":[{"postId":"p-1","userId":"u-1","ip":"223.5.5.5","at":"2026-11-25T10:00:00Z","__proto__":{"polluted":true}}]}`;
    const response = await postIpLocations(server, body);
    expect(response.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await postLocationRows(server.app.dataSource)).toEqual([]);
  });

  it('ids with a lone surrogate or a control character are rejected, not sent to MySQL', async () => {
    const response = await postIpLocations(server, {
      records: [record({ postId: 'p-\ud800' }), record({ userId: 'u-\u0000' }), record({ postId: 'p-ok' })],
    });
    expect(response.body).toEqual({
      stored: 1,
      unchanged: 0,
      erased: 0,
      rejected: [
        { index: 0, reason: 'postId must be well-formed Unicode text without control characters' },
        { index: 1, reason: 'userId must be well-formed Unicode text without control characters' },
      ],
    });
  });

  it('1,000 records of one post from 1,000 accounts: the first is stored, the others rejected, in one request', async () => {
    const records = Array.from({ length: 1000 }, (_, index) => record({ postId: 'p-contested', userId: `u-${index}` }));
    const response = await postIpLocations(server, { records });
    expect(response.body.stored).toBe(1);
    expect(response.body.rejected).toHaveLength(999);
    expect(await userLocationRows(server.app.dataSource)).toMatchObject([{ user_id: 'u-0', post_id: 'p-contested' }]);
  });
});

describe('the address is never kept', () => {
  it('no table, log line or metric holds any address this file sent', async () => {
    // Make sure every kind of answer happened at least once: stored, rejected, refused, malformed.
    await postIpLocations(server, {
      records: [record({ ip: '114.114.114.114' }), record({ ip: '61.220.0.1', at: 'x' })],
    });
    await postIpLocations(server, '{"records": [{"ip": "180.76.76.76"');
    SENT_IPS.add('180.76.76.76');
    const metrics = await (await fetch(`${server.app.url}/metrics`)).text();
    expect(metrics).toMatch(/identity_ip_location_records_total\{outcome="stored"\} [1-9]/);
    const stored = await everyStoredValue(server.app.dataSource);
    const logs = logLines.join('\n');
    expect(logs).toContain('/ip-locations'); // the requests were logged, only not their bodies
    for (const ip of SENT_IPS) {
      expect(stored).not.toContain(ip);
      expect(logs).not.toContain(ip);
      expect(metrics).not.toContain(ip);
    }
  });
});

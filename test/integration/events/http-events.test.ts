// POST /events, for real: HTTP, MySQL behind a proxy of the tests' own, the same core as the consumer's.
import { useDatabaseProxy } from '../../support/database';
import {
  accountRow,
  followersChanged,
  mcnChanged,
  outboxOf,
  postCreated,
  professionalRows,
  qualificationChanged,
  verificationChanged,
} from '../../support/events';
import { metricValue, PSEUDONYM_KEY } from '../../support/nats';
import { useTestServer } from '../../support/server';

const SECRET = 'the-platform-events-writer-secret';
const WRITER = { authorization: `Bearer ${SECRET}` };
const proxy = useDatabaseProxy();
const logLines: string[] = [];
const server = useTestServer({
  env: { EVENTS_WRITER_SECRET: SECRET, PSEUDONYM_KEY, DB_QUERY_TIMEOUT_MS: '500' },
  databaseUrl: (url) => proxy.urlFor(url),
  logLines,
});

async function postEvents(body: unknown, headers: Record<string, string> = WRITER, type = 'application/json') {
  const response = await fetch(`${server.app.url}/events`, {
    method: 'POST',
    headers: { 'content-type': type, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

it('applies the events as the consumer does, and says which it refused and why, by index', async () => {
  const secretName = '王秘密';
  const events = [
    verificationChanged('http-1', { verification: 'VERIFIED', realName: '李白' }, 20),
    followersChanged('http-1', 3_000_000, 10),
    { ...followersChanged('http-2', 5), type: 'user.renamed' },
    verificationChanged('http-3', { verification: 'NEVER', realName: secretName }),
    'not an object',
    postCreated('http-post', 'http-1', '223.5.5.5'),
  ];
  const response = await postEvents(events);
  expect(response).toMatchObject({
    status: 200,
    body: {
      accepted: 3,
      rejected: [
        { index: 2, reason: 'unknown-type: type is not one this service acts on' },
        { index: 3, reason: 'invalid-data: verification must be one of VERIFIED, UNVERIFIED, REVOKED' },
        { index: 4, reason: 'not-cloudevent: not a JSON object' },
      ],
    },
  });
  expect(await outboxOf(server.app.dataSource, 'http-1')).toEqual(['LABEL_CHANGED NOTICE', 'NOTICE']);
  expect(response.text).not.toContain(secretName);
  expect(logLines.join('\n')).not.toMatch(/王秘密|李白|223\.5\.5\.5/);
  expect(await metricValue(server.app.url, 'identity_events_rejected_total{reason="invalid-data"}')).toBe(1);
});

it('the same request again is accepted whole and changes nothing', async () => {
  const events = [followersChanged('http-again', 10, 5)];
  expect((await postEvents(events)).body).toEqual({ accepted: 1, rejected: [] });
  expect((await postEvents([{ ...events[0], data: { ...events[0]!.data, followerCount: 99 } }])).body).toEqual({
    accepted: 1,
    rejected: [],
  });
  expect((await accountRow(server.app.dataSource, 'http-again'))!.follower_count).toBe(10);
});

it('applies credentials and MCN agencies by the same rules: duplicates and older observations change nothing', async () => {
  const granted = qualificationChanged('http-pro', { field: 'FINANCE', title: '证券从业资格' }, 20);
  const response = await postEvents([
    granted,
    mcnChanged('http-pro', '星河文化传媒', 20),
    mcnChanged('http-pro', 7 as never),
  ]);
  expect(response.body).toEqual({
    accepted: 2,
    rejected: [{ index: 2, reason: 'invalid-data: mcnAgency must be a string' }],
  });
  const again = await postEvents([granted, mcnChanged('http-pro', null, 30)]);
  expect(again.body).toEqual({ accepted: 2, rejected: [] });
  expect(await professionalRows(server.app.dataSource, 'http-pro')).toEqual({
    credentials: ['FINANCE 证券从业资格'],
    agency: '星河文化传媒',
  });
});

it('takes the CloudEvents batch content type too', async () => {
  const response = await postEvents([followersChanged('http-batch', 1)], WRITER, 'application/cloudevents-batch+json');
  expect(response).toMatchObject({ status: 200, body: { accepted: 1 } });
});

it.each([
  ['no secret', {}, 'application/json', '[]', 401, 'UNAUTHENTICATED'],
  ['a wrong secret', { authorization: 'Bearer nope' }, 'application/json', '[]', 401, 'UNAUTHENTICATED'],
  ['text', WRITER, 'text/plain', '[]', 415, 'BAD_REQUEST'],
  ['an object', WRITER, 'application/json', '{"events":[]}', 400, 'BAD_REQUEST'],
  ['broken JSON quoting a name', WRITER, 'application/json', '[{"realName":"杜甫"', 400, 'BAD_REQUEST'],
])('refuses %s', async (_case, headers, type, body, status, code) => {
  const response = await postEvents(body, headers as Record<string, string>, type);
  expect(response).toMatchObject({ status, body: { errors: [{ extensions: { code } }] } });
  expect(response.text).not.toContain('杜甫');
});

it('refuses more than 1,000 events, and a body over its limit', async () => {
  const many = Array.from({ length: 1001 }, () => ({}));
  expect((await postEvents(many)).body.errors[0].message).toBe('at most 1000 events a request, got 1001');
  const huge = await postEvents(`[${'"x",'.repeat(600_000)}"x"]`);
  expect(huge.status).toBe(413);
});

it('with the database down, applies nothing and answers 503: the platform sends the request again', async () => {
  proxy.drop();
  try {
    const response = await postEvents([followersChanged('http-down', 7)]);
    expect(response).toMatchObject({ status: 503, body: { errors: [{ extensions: { code: 'EVENTS_UNAVAILABLE' } }] } });
  } finally {
    proxy.restore();
  }
  expect((await postEvents([followersChanged('http-down', 7)])).body).toEqual({ accepted: 1, rejected: [] });
  expect((await accountRow(server.app.dataSource, 'http-down'))!.follower_count).toBe(7);
});

// Traces: the router's trace continued through this subgraph. One feed request with the router's traceparent
// becomes one tree under the router's span: the request, the operation, the `_entities` batch, its account
// query, the posts' IP location query. Writes are traced too (the transaction, its statements, the change
// told on Redis). Spans say kinds, tables and counts: never a real name, an id, an address or a parameter.
import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { anAccount } from '../../support/factories';
import { aLocationRecord, postIpLocations, WRITER_SECRET } from '../../support/ip-locations';
import { useTestServer } from '../../support/server';
import { spansOfTrace, spanTexts, spanTree, traceparent } from '../../support/spans';
import { waitUntil } from '../../support/wait-until';

const NOW = new Date('2026-11-25T12:00:00Z');
const CHANNEL = `test:${randomUUID()}`;
const exporter = new InMemorySpanExporter();
const subject = { followerCount: 2_000_000, notifiedAt: new Date('2026-11-01T00:00:00Z') };
const ACCOUNTS = [
  anAccount({ userId: 'tr-shown', realName: 'Ouyang Xiu', ...subject, consent: 'YES', consentAt: NOW }),
  anAccount({ userId: 'tr-hidden', realName: 'Sima Guang', ...subject }),
  anAccount({ userId: 'tr-consents', realName: 'Wang Anshi', ...subject }),
];
const REAL_NAMES = ['Ouyang Xiu', 'Sima Guang', 'Wang Anshi'];
const LOCATED = aLocationRecord({ postId: 'tr-post-located', userId: 'tr-shown', ip: '203.198.7.66' });
const VIEWER = { 'x-viewer-id': 'tr-viewer', 'x-viewer-verified': 'true' };

const server = useTestServer({
  now: NOW,
  accounts: ACCOUNTS,
  traceExporter: exporter,
  env: {
    IP_LOCATION_WRITER_SECRET: WRITER_SECRET,
    NOTIFY_INTERVAL_SECONDS: '0',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_CHANNEL: CHANNEL,
  },
});

/** What must never be in a span: the names, every id and address the requests carried. */
const NEVER_IN_A_SPAN = [
  ...REAL_NAMES,
  ...ACCOUNTS.map((account) => account.userId),
  'tr-viewer',
  'tr-post-1',
  'tr-post-2',
  LOCATED.postId,
  LOCATED.ip,
];

const FEED_QUERY = `query Feed__identity_labels__1($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { displayName verifiedRealName identityLabel { status } }
    ... on Post { displayName ipLocation { label } }
  }
}`;
const FEED_REPRESENTATIONS = [
  { __typename: 'User', id: 'tr-shown', nickname: 'xiu' },
  { __typename: 'User', id: 'tr-hidden', nickname: 'guang' },
  { __typename: 'Post', id: 'tr-post-1', author: { id: 'tr-shown', nickname: 'xiu' } },
  { __typename: 'Post', id: LOCATED.postId, author: { id: 'tr-shown', nickname: 'xiu' } },
  { __typename: 'Post', id: 'tr-post-2', author: { id: 'tr-hidden', nickname: 'guang' } },
];

const ROUTER = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
let feedText = '';
let feedSpans: ReadableSpan[] = [];

beforeAll(async () => {
  expect((await postIpLocations(server, { records: [LOCATED] })).status).toBe(200);
  const { status, text } = await server.post(
    { query: FEED_QUERY, variables: { representations: FEED_REPRESENTATIONS } },
    { ...VIEWER, traceparent: traceparent(ROUTER.traceId, ROUTER.spanId), tracestate: 'router=feed' },
  );
  expect(status).toBe(200);
  feedText = text;
  // The request's span ends when the response has been sent: a moment after the client has it.
  await waitUntil(
    async () => spansOfTrace(exporter.getFinishedSpans(), ROUTER.traceId).some((span) => span.name === 'POST /graphql'),
    'the request span',
    2000,
  );
  feedSpans = spansOfTrace(exporter.getFinishedSpans(), ROUTER.traceId);
});

describe('one feed request from the router (traceparent)', () => {
  it('answers as without tracing: the disclosed name, the post’s place', () => {
    expect(feedText).toContain('Ouyang Xiu');
    expect(feedText).not.toContain('Sima Guang');
    expect(feedText).toContain('中国香港');
  });

  it('is one tree under the router’s span: request, operation, batch, account query, IP location query', () => {
    expect(spanTree(feedSpans, ROUTER.spanId)).toBe(
      [
        'POST /graphql',
        '  query Feed__identity_labels__1',
        '    _entities',
        '      SELECT accounts',
        '    SELECT post_ip_locations',
      ].join('\n'),
    );
  });

  it('keeps the router’s trace id and tracestate, and continues its span', () => {
    const [root] = feedSpans.filter((span) => span.parentSpanContext?.spanId === ROUTER.spanId);
    expect(root?.spanContext().traceId).toBe(ROUTER.traceId);
    expect(root?.parentSpanContext?.traceId).toBe(ROUTER.traceId);
    expect(root?.spanContext().traceState?.serialize()).toBe('router=feed');
    expect(root?.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': '/graphql',
      'http.response.status_code': 200,
    });
  });

  it('says what each step is: the operation, the batch by type, each query’s kind and table', () => {
    const named = (name: string) => feedSpans.find((span) => span.name === name)?.attributes;
    expect(named('query Feed__identity_labels__1')).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'Feed__identity_labels__1',
    });
    expect(named('_entities')).toEqual({
      'identity_labels.representations': 5,
      'identity_labels.representations.user': 2,
      'identity_labels.representations.post': 3,
      'identity_labels.representations.invalid': 0,
    });
    expect(named('SELECT accounts')).toEqual({
      'db.system.name': 'mysql',
      'db.operation.name': 'SELECT',
      'db.collection.name': 'accounts',
      'db.query.summary': 'SELECT accounts',
    });
    expect(named('SELECT post_ip_locations')).toMatchObject({ 'db.collection.name': 'post_ip_locations' });
  });
});

describe('a consent (a write), traced as the router sent it', () => {
  const CONSENT = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
  let tree = '';

  beforeAll(async () => {
    const { body } = await server.post(
      { query: 'mutation Consent { setRealNameConsent(consent: true) { status } }' },
      { 'x-viewer-id': 'tr-consents', traceparent: traceparent(CONSENT.traceId, CONSENT.spanId) },
    );
    expect(body.errors).toBeUndefined();
    // This instance hears its own change back from Redis, as every other instance does.
    await waitUntil(
      async () => exporter.getFinishedSpans().some((span) => span.name === `process ${CHANNEL}`),
      'the change heard back from Redis',
      5000,
    );
    tree = spanTree(spansOfTrace(exporter.getFinishedSpans(), CONSENT.traceId), CONSENT.spanId);
  });

  it('shows the mutation, its transaction and each statement, then the change published and heard on Redis', () => {
    expect(tree).toBe(
      [
        'POST /graphql',
        '  mutation Consent',
        '    write transaction',
        '      SELECT accounts', // the row, locked (FOR UPDATE)
        '      INSERT accounts', // the upsert
        '      INSERT audit_log',
        '      INSERT notification_outbox', // the label moved: identity.label.changed, for the relay
        `    publish ${CHANNEL}`,
        `      process ${CHANNEL}`, // this instance hears its own change, as every other one does
      ].join('\n'),
    );
  });

  it('the publish and the message heard say how many accounts changed, never which', () => {
    const published = exporter.getFinishedSpans().find((span) => span.name === `publish ${CHANNEL}`);
    expect(published?.attributes).toMatchObject({
      'messaging.system': 'redis',
      'messaging.destination.name': CHANNEL,
      'identity_labels.change.accounts': 1,
      'messaging.batch.message_count': 1,
    });
  });
});

it('POST /ip-locations is traced too: the request, its transaction, its statements', async () => {
  const WRITE = { traceId: '1bf92f3577b34da6a3ce929d0e0e4737', spanId: '10f067aa0ba902b8' };
  const record = aLocationRecord({ postId: 'tr-post-1', userId: 'tr-hidden', ip: '8.8.8.8' });
  const response = await postIpLocations(
    server,
    { records: [record] },
    {
      authorization: `Bearer ${WRITER_SECRET}`,
      traceparent: traceparent(WRITE.traceId, WRITE.spanId),
    },
  );
  expect(response.status).toBe(200);
  await waitUntil(
    async () => spansOfTrace(exporter.getFinishedSpans(), WRITE.traceId).some((span) => span.name.startsWith('POST')),
    'the request span',
    2000,
  );
  const tree = spanTree(spansOfTrace(exporter.getFinishedSpans(), WRITE.traceId), WRITE.spanId);
  expect(tree).toMatch(/^POST \/ip-locations\n {2}write transaction\n( {4}(INSERT|SELECT|UPDATE) \w+\n?)+$/);
  expect(tree).toContain('INSERT post_ip_locations');
});

it('no span says a real name, an id, an address or a parameter; no attribute is a list', () => {
  const spans = exporter.getFinishedSpans();
  expect(spans.length).toBeGreaterThan(10);
  const texts = spans.flatMap(spanTexts).join('\n');
  for (const value of NEVER_IN_A_SPAN) expect(texts).not.toContain(value);
  for (const span of spans) {
    for (const value of Object.values(span.attributes)) expect(Array.isArray(value)).toBe(false);
  }
});

it('without a traceparent, a request starts a trace of its own', async () => {
  const before = new Set(exporter.getFinishedSpans().map((span) => span.spanContext().spanId));
  await server.post({ query: '{ disclosurePolicy { name } }' });
  await waitUntil(
    async () =>
      exporter
        .getFinishedSpans()
        .some((span) => !before.has(span.spanContext().spanId) && span.name === 'POST /graphql'),
    'the request span',
    2000,
  );
  const root = exporter
    .getFinishedSpans()
    .find((span) => !before.has(span.spanContext().spanId) && span.name === 'POST /graphql');
  expect(root?.parentSpanContext).toBeUndefined();
});

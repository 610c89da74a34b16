// Structured logs with a request id and timing, Prometheus metrics, and never a real name in either.
import { anAccount } from '../../support/factories';
import { USER_FIELDS, userRef, useTestServer, VERIFIED_VIEWER } from '../../support/server';

const logLines: string[] = [];
const NAMES = ['Sima Yi', 'Cao Cao'] as const;

const server = useTestServer({
  env: { NOTIFY_INTERVAL_SECONDS: '0' },
  logLines,
  accounts: [
    anAccount({ userId: 'shown', realName: NAMES[0], followerCount: 2_000_000, consent: 'YES' }),
    anAccount({ userId: 'hidden', realName: NAMES[1], followerCount: 2_000_000 }),
  ],
});

beforeAll(async () => {
  await server.entities([userRef('shown'), userRef('hidden'), userRef('x'.repeat(70))], USER_FIELDS, {
    ...VERIFIED_VIEWER,
    'x-request-id': 'trace-123',
  });
  await server.post(
    { query: 'mutation { setRealNameConsent(consent: true) { status } }' },
    { 'x-viewer-id': 'hidden' },
  );
  await server.post({ query: '{ nope }' });
});

it('logs each request as JSON with its request id, status and time', () => {
  const entries = logLines.map((line) => JSON.parse(line) as Record<string, any>);
  const completed = entries.find((entry) => entry.msg === 'request completed' && entry.reqId === 'trace-123');
  expect(completed).toMatchObject({ res: { statusCode: 200 } });
  expect(typeof completed?.responseTime).toBe('number');
});

it('never logs a real name, shown or not', () => {
  expect(logLines.length).toBeGreaterThan(0);
  for (const name of NAMES) expect(logLines.join('\n')).not.toContain(name);
});

it('exposes request, batch, SQL, pool and error metrics, labelled without user data', async () => {
  const response = await fetch(`${server.app.url}/metrics`);
  const text = await response.text();
  expect(response.headers.get('content-type')).toMatch(/text\/plain/);
  expect(text).toMatch(/identity_http_requests_total\{route="\/graphql",method="POST",status="200"\} [1-9]/);
  expect(text).toMatch(/identity_http_request_duration_seconds_bucket\{le="[^"]+",route="\/graphql"\}/);
  expect(text).toMatch(/identity_account_query_ids_sum [1-9]/);
  expect(text).toMatch(/identity_account_query_duration_seconds_count\{outcome="ok"\} [1-9]/);
  expect(text).toMatch(/identity_db_pool_connections\{state="all"\} [1-9]/);
  expect(text).toMatch(/identity_graphql_errors_total\{code="BAD_USER_INPUT"\} 1/);
  expect(text).toMatch(/identity_graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} 1/);
  for (const forbidden of [...NAMES, 'shown', 'hidden', 'trace-123']) expect(text).not.toContain(forbidden);
});

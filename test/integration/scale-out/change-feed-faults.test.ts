// The change feed when Redis fails, on a Redis of this file's own: an instance that cannot hear of changes
// stops trusting its cache (and says so), whether Redis is gone, silent, or not there when it starts; and a
// command that cannot tell the instances still stores its changes and says what it could not do.
import { runCli } from '../../support/cli';
import { anAccount } from '../../support/factories';
import { usePrivateRedis } from '../../support/private-redis';
import { TEST_REAL_NAME_KEYS } from '../../support/real-names';
import { startTestServer, userRef, useTestServer, VERIFIED_VIEWER, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';
import { waitUntil } from '../../support/wait-until';

const NOW = new Date('2026-11-25T08:00:00Z');
const FIELDS = '... on User { id verifiedRealName }';
const subject = { followerCount: 2_000_000, notifiedAt: new Date('2026-11-20T00:00:00Z') };
const disclosed = (userId: string) =>
  anAccount({ userId, realName: `Name of ${userId}`, ...subject, consent: 'YES', consentAt: NOW });

const redis = usePrivateRedis();
const env = () => ({ ACCOUNT_CACHE_TTL_MS: '600000', NOTIFY_INTERVAL_SECONDS: '0', REDIS_URL: redis.url });
const logsOfB: string[] = [];
const instanceA = useTestServer({
  env: { ACCOUNT_CACHE_TTL_MS: '600000', NOTIFY_INTERVAL_SECONDS: '0' },
  now: NOW,
  accounts: ['silent-1', 'silent-2', 'imported', 'late'].map(disclosed),
});
let instanceB: TestServer;

beforeAll(async () => {
  // A was started before the Redis of this file existed: it joins the feed here, as B does.
  await instanceA.close();
  instanceA.app = (await startTestServer({ ...env(), DATABASE_URL: instanceA.databaseUrl }, NOW)).app;
  instanceB = await startTestServer({ ...env(), DATABASE_URL: instanceA.databaseUrl }, NOW, { logLines: logsOfB });
  onTeardown(() => instanceB.close());
});

async function shownBy(server: TestServer, userId: string): Promise<string | null> {
  const body = await server.entities([userRef(userId)], FIELDS, VERIFIED_VIEWER);
  expect(body.errors).toBeUndefined();
  return (body.data?._entities as { verifiedRealName: string | null }[])[0]!.verifiedRealName;
}

async function feedState(server: TestServer): Promise<string> {
  return ((await (await fetch(`${server.app.url}/ready`)).json()) as { changeFeed: string }).changeFeed;
}

async function withdraw(server: TestServer, userId: string): Promise<void> {
  const { body } = await server.post(
    { query: 'mutation { setRealNameConsent(consent: false) { status } }' },
    { 'x-viewer-id': userId },
  );
  expect(body.data?.setRealNameConsent).toEqual({ status: 'REFUSED' });
}

it('a Redis that goes silent (a partition) is noticed within 2 s; meanwhile a withdrawal is hidden at once', async () => {
  await waitUntil(async () => (await feedState(instanceB)) === 'subscribed', 'B subscribed', 5000);
  expect(await shownBy(instanceB, 'silent-1')).toBe('Name of silent-1'); // cached on B
  redis.freeze();
  try {
    // Designed for 2 s (a ping a second, a second to answer); the slack is for a loaded CI machine.
    const ms = await waitUntil(async () => (await feedState(instanceB)) === 'down', 'B sees the feed down', 3500);
    process.stdout.write(`silent Redis noticed by B after ${ms} ms\n`);
    const metrics = await (await fetch(`${instanceB.app.url}/metrics`)).text();
    expect(metrics).toMatch(/^identity_change_feed_up 0$/m);
    expect(logsOfB.join('\n')).toContain('change feed down (Redis): the account cache is bypassed');
    await withdraw(instanceA, 'silent-1'); // A cannot tell B: B no longer trusts its cache
    expect(await shownBy(instanceB, 'silent-1')).toBeNull();
  } finally {
    redis.thaw();
  }
  await waitUntil(async () => (await feedState(instanceB)) === 'subscribed', 'B subscribed again', 5000);
  expect(await shownBy(instanceB, 'silent-1')).toBeNull();
  // and the feed works again: a withdrawal through A reaches B's cache
  expect(await shownBy(instanceB, 'silent-2')).toBe('Name of silent-2');
  await withdraw(instanceA, 'silent-2');
  await waitUntil(async () => (await shownBy(instanceB, 'silent-2')) === null, 'silent-2 hidden on B', 1000);
});

it('the command stores its import with Redis down, and says the running instances were not told', async () => {
  await redis.stop();
  try {
    const result = await runCli(
      ['import', '--format', 'ndjson', '--no-notify', '-'],
      { DATABASE_URL: instanceA.databaseUrl, REAL_NAME_KEYS: TEST_REAL_NAME_KEYS, REDIS_URL: redis.url },
      { stdin: `${JSON.stringify({ userId: 'imported', verification: 'REVOKED' })}\n` },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('stdin: 0 inserted, 1 updated');
    expect(result.stderr).toContain('a change could not be told to the other instances');
    // One line a person reads, not a JSON log record with the Redis client's internals.
    expect(result.stderr).toBe(
      'identity-labels: warning: a change could not be told to the other instances (Redis unreachable): they see it within ACCOUNT_CACHE_TTL_MS\n',
    );
    // B, without its feed, reads the database: the change shows at once anyway
    await waitUntil(async () => (await feedState(instanceB)) === 'down', 'B sees the feed down', 3000);
    expect(await shownBy(instanceB, 'imported')).toBeNull();
  } finally {
    await redis.start();
  }
});

it('an instance started while Redis is down serves, bypassing its cache, and subscribes once Redis is up', async () => {
  await redis.stop();
  const logs: string[] = [];
  const late = await startTestServer({ ...env(), DATABASE_URL: instanceA.databaseUrl }, NOW, { logLines: logs });
  onTeardown(() => late.close());
  try {
    expect(await feedState(late)).toBe('down');
    expect(logs.join('\n')).toContain('change feed down (Redis)');
    const before = late.accountQueries().length;
    expect(await shownBy(late, 'late')).toBe('Name of late');
    expect(await shownBy(late, 'late')).toBe('Name of late');
    expect(late.accountQueries().length).toBe(before + 2); // nothing kept
  } finally {
    await redis.start();
  }
  await waitUntil(async () => (await feedState(late)) === 'subscribed', 'subscribed once Redis is up', 5000);
  await shownBy(late, 'late');
  const before = late.accountQueries().length;
  await shownBy(late, 'late');
  expect(late.accountQueries().length).toBe(before); // kept now
});

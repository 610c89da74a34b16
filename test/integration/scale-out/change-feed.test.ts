// Two instances on one database, each with its row cache on and a long TTL, told of each other's writes
// (and the command's) over Redis: a withdrawn name is hidden everywhere at once, not after the TTL.
import { randomUUID } from 'node:crypto';
import { runCli } from '../../support/cli';
import { anAccount } from '../../support/factories';
import { TEST_REAL_NAME_KEYS } from '../../support/real-names';
import { startTestServer, userRef, useTestServer, VERIFIED_VIEWER, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';
import { waitUntil } from '../../support/wait-until';

const NOW = new Date(); // the command stamps its changes with the real time
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const FIELDS = '... on User { id verifiedRealName identityLabel { status } }';
const WITHDRAW = 'mutation { setRealNameConsent(consent: false) { status } }';
const subject = { followerCount: 2_000_000, notifiedAt: new Date('2026-11-20T00:00:00Z') };
// A channel of this file's own: other test files may share the Redis.
const env = {
  ACCOUNT_CACHE_TTL_MS: '600000',
  NOTIFY_INTERVAL_SECONDS: '0',
  POLICY_REFRESH_SECONDS: '3600',
  REDIS_URL,
  REDIS_CHANNEL: `test:${randomUUID()}`,
};

const instanceA = useTestServer({
  env,
  now: NOW,
  accounts: ['withdraws', 'revoked-by-import', 'under-a-stage', 'cached'].map((userId) =>
    anAccount({ userId, realName: `Name of ${userId}`, ...subject, consent: 'YES', consentAt: NOW }),
  ),
});
let instanceB: TestServer;
beforeAll(async () => {
  instanceB = await startTestServer({ ...env, DATABASE_URL: instanceA.databaseUrl }, NOW);
  onTeardown(() => instanceB.close());
});

async function realNameOn(server: TestServer, userId: string): Promise<string | null> {
  const body = await server.entities([userRef(userId)], FIELDS, VERIFIED_VIEWER);
  expect(body.errors).toBeUndefined();
  return (body.data?._entities as { verifiedRealName: string | null }[])[0]!.verifiedRealName;
}

/** Ms from `since` until `server` stops showing the account's name, asking every 5 ms. */
async function msUntilHidden(server: TestServer, userId: string, since: number, withinMs: number): Promise<number> {
  await waitUntil(
    async () => (await realNameOn(server, userId)) === null,
    `${userId} hidden`,
    withinMs - (Date.now() - since),
    5,
  );
  return Date.now() - since;
}

const cliEnv = () => ({ DATABASE_URL: instanceA.databaseUrl, REAL_NAME_KEYS: TEST_REAL_NAME_KEYS, ...env });

it('shows both instances subscribed in /ready', async () => {
  for (const server of [instanceA, instanceB]) {
    const ready = (await (await fetch(`${server.app.url}/ready`)).json()) as Record<string, unknown>;
    expect(ready).toEqual({ status: 'ready', changeFeed: 'subscribed' });
  }
});

it('keeps rows in each instance: a repeated read costs no query', async () => {
  await realNameOn(instanceB, 'cached');
  const before = instanceB.accountQueries().length;
  expect(await realNameOn(instanceB, 'cached')).toBe('Name of cached');
  expect(instanceB.accountQueries().length).toBe(before);
});

it('a consent withdrawn through instance A is hidden on instance B within a second, despite its cached row', async () => {
  expect(await realNameOn(instanceB, 'withdraws')).toBe('Name of withdraws'); // cached on B now
  const since = Date.now();
  const { body } = await instanceA.post({ query: WITHDRAW }, { 'x-viewer-id': 'withdraws' });
  expect(body.data?.setRealNameConsent).toEqual({ status: 'REFUSED' });
  const ms = await msUntilHidden(instanceB, 'withdraws', since, 1000);
  process.stdout.write(`change feed: withdrawal through A hidden on B after ${ms} ms\n`);
});

it('an import by the command is seen by both instances at once', async () => {
  expect(await realNameOn(instanceA, 'revoked-by-import')).toBe('Name of revoked-by-import');
  expect(await realNameOn(instanceB, 'revoked-by-import')).toBe('Name of revoked-by-import');
  const result = await runCli(['import', '--format', 'ndjson', '-'], cliEnv(), {
    stdin: `${JSON.stringify({ userId: 'revoked-by-import', verification: 'REVOKED' })}\n`,
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  // The command exits only once its change is published; the instances apply it as it arrives.
  await msUntilHidden(instanceA, 'revoked-by-import', Date.now(), 1000);
  await msUntilHidden(instanceB, 'revoked-by-import', Date.now(), 1000);
});

it('a stage retired by the command is dropped by both instances at once, not at their next policy refresh', async () => {
  expect(await realNameOn(instanceB, 'under-a-stage')).toBe('Name of under-a-stage');
  const stages = await instanceA.app.dataSource.query('SELECT name FROM policy_stages WHERE retired_at IS NULL');
  for (const { name } of stages as { name: string }[]) {
    const result = await runCli(['policy', 'retire', name, '--yes'], cliEnv());
    expect(result.code).toBe(0);
  }
  // Consented, but no stage governs the account any more: voluntary disclosure needs no stage, so the
  // name stays; what must change at once is the stage the label names.
  instanceB.now = new Date(); // the command retired it at the real time
  const body = await instanceB.entities([userRef('under-a-stage')], '... on User { identityLabel { stage { name } } }');
  expect(body.data?._entities).toEqual([{ identityLabel: { stage: null } }]);
});

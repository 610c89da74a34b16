// `identity-labels accounts erase` on a running deployment: two instances with their row caches on and the
// change feed between them, names encrypted. Afterwards the account is gone from every answer and from a
// dump of every table; last night's import does not bring it back; and a database restored from a backup
// taken before the erasure forgets it again when the erasures are replayed (the restore drill).
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { runCli } from '../../support/cli';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from '../../support/database';
import { anAccount } from '../../support/factories';
import { aLocationRecord, postIpLocations, WRITER_SECRET } from '../../support/ip-locations';
import { TEST_REAL_NAME_KEYS } from '../../support/real-names';
import { startTestServer, userRef, useTestServer, VERIFIED_VIEWER, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';
import { waitUntil } from '../../support/wait-until';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NOW = new Date();
const USER = 'closing-7c41';
const PSEUDONYM_KEY = 'AZTynN10d3740gdhZE4XV716Z0wRyxSJpM4gOSRoQY8=';
const env = {
  ACCOUNT_CACHE_TTL_MS: '600000',
  NOTIFY_INTERVAL_SECONDS: '0',
  IP_LOCATION_WRITER_SECRET: WRITER_SECRET,
  PSEUDONYM_KEY,
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_CHANNEL: `test:${randomUUID()}`,
};
const FIELDS =
  '... on User { id verifiedRealName identityLabel { status } ipLocation { label } } ... on Post { id verifiedRealName ipLocation { label } }';
const REFS = [userRef(USER), { __typename: 'Post', id: 'closing-post-1', author: { id: USER, nickname: 'n' } }];

const instanceA = useTestServer({
  env,
  now: NOW,
  accounts: [
    anAccount({ userId: USER, realName: '陈闭户', followerCount: 2_000_000, consent: 'YES', consentAt: NOW }),
    anAccount({ userId: 'stays-open', realName: '留下来', followerCount: 2_000_000, consent: 'YES', consentAt: NOW }),
  ],
});
let instanceB: TestServer;
let restored: TestDatabase | undefined;
const folder = mkdtempSync(join(tmpdir(), 'identity-erase-'));

const cliEnv = () => ({ DATABASE_URL: instanceA.databaseUrl, REAL_NAME_KEYS: TEST_REAL_NAME_KEYS, ...env });
const databaseName = (url: string) => new URL(url).pathname.slice(1);

async function dump(url: string): Promise<string> {
  const server = new URL(TEST_SERVER_URL);
  const { stdout } = await promisify(execFile)(
    'mysqldump',
    [
      '-h',
      server.hostname,
      '-P',
      server.port || '3306',
      '-u',
      server.username || 'root',
      '--hex-blob',
      databaseName(url),
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

async function restore(sql: string, url: string): Promise<void> {
  const server = new URL(TEST_SERVER_URL);
  const child = spawn('mysql', [
    '-h',
    server.hostname,
    '-P',
    server.port || '3306',
    '-u',
    server.username || 'root',
    databaseName(url),
  ]);
  child.stdin.end(sql);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(0);
}

let dumpBefore = '';
let sealedNameHex = '';

beforeAll(async () => {
  instanceB = await startTestServer({ ...env, DATABASE_URL: instanceA.databaseUrl }, NOW);
  onTeardown(() => instanceB.close());
  onTeardown(async () => restored?.drop());
  const records = [1, 2, 3].map((n) =>
    aLocationRecord({
      postId: `closing-post-${n}`,
      userId: USER,
      at: new Date(NOW.getTime() - n * 60_000).toISOString(),
    }),
  );
  expect((await postIpLocations(instanceA, { records })).body).toMatchObject({ stored: 3 });
  const [row] = await instanceA.app.dataSource.query(
    'SELECT HEX(real_name_encrypted) AS hex FROM accounts WHERE user_id = ?',
    [USER],
  );
  sealedNameHex = row.hex;
  dumpBefore = await dump(instanceA.databaseUrl!);
  expect(dumpBefore).toContain(USER);
  expect(dumpBefore).toContain(sealedNameHex);
});

it('`accounts export` prints what is held: the name, every location, the history', async () => {
  const result = await runCli(['accounts', 'export', USER], cliEnv());
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const data = JSON.parse(result.stdout);
  expect(data).toMatchObject({ userId: USER, realName: '陈闭户', identityLabel: { status: 'DISCLOSED' } });
  expect(data.ipLocations.map((location: { postId: string | null }) => location.postId)).toEqual([
    null,
    'closing-post-1',
    'closing-post-2',
    'closing-post-3',
  ]);
});

it('erases the account: both instances forget it within a second, on User and on every Post', async () => {
  const before = await instanceB.entities(REFS, FIELDS, VERIFIED_VIEWER); // cached on B now
  expect(before.data?._entities).toMatchObject([
    { verifiedRealName: '陈闭户', ipLocation: { label: '浙江' } },
    { verifiedRealName: '陈闭户' },
  ]);
  const result = await runCli(['accounts', 'erase', USER, 'never-held-9'], cliEnv());
  expect(result).toMatchObject({
    code: 0,
    stdout: 'accounts erase: 1 erased, 0 already erased, 1 unknown (nothing held; remembered as erased)\n',
  });
  expect(result.stderr).toBe('never-held-9: unknown (nothing held)\n');
  const since = Date.now();
  for (const server of [instanceB, instanceA]) {
    await waitUntil(
      async () =>
        JSON.stringify((await server.entities(REFS, FIELDS, VERIFIED_VIEWER)).data?._entities) ===
        JSON.stringify([
          { id: USER, verifiedRealName: null, identityLabel: { status: 'NOT_SUBJECT' }, ipLocation: null },
          { id: 'closing-post-1', verifiedRealName: null, ipLocation: null },
        ]),
      'the erased account forgotten',
      1000 - (Date.now() - since),
      5,
    );
  }
  process.stdout.write(`erasure: forgotten by both instances after ${Date.now() - since} ms\n`);
});

it('a dump of every table holds nothing of it: no id, no post of its, not its sealed name', async () => {
  const after = await dump(instanceA.databaseUrl!);
  expect(after).not.toContain(USER);
  expect(after).not.toContain('closing-post-');
  expect(after).not.toContain(sealedNameHex);
  expect(after).toContain('stays-open');
});

it('last night’s import file skips it and says so', async () => {
  const file = join(folder, 'accounts.ndjson');
  writeFileSync(
    file,
    `${JSON.stringify({ userId: USER, realName: '陈闭户', followerCount: 2_100_000, verification: 'VERIFIED' })}\n`,
  );
  const result = await runCli(['import', '--no-notify', file], cliEnv());
  expect(result).toMatchObject({
    code: 0,
    stdout: `${file}: 0 inserted, 0 updated, 0 unchanged, 0 rejected, 1 skipped: erased\n`,
  });
  expect(await dump(instanceA.databaseUrl!)).not.toContain(USER);
});

it('a late post of the closed account is not located: the endpoint and the backfill skip it and say so', async () => {
  const late = aLocationRecord({
    postId: 'closing-post-late',
    userId: USER,
    at: new Date(NOW.getTime() - 1000).toISOString(),
  });
  expect((await postIpLocations(instanceA, { records: [late] })).body).toEqual({
    stored: 0,
    unchanged: 0,
    erased: 1,
    rejected: [],
  });
  const file = join(folder, 'posts.csv');
  writeFileSync(file, `postId,userId,ip,at\nclosing-post-backfill,${USER},223.5.5.5,${late.at}\n`);
  const result = await runCli(['ip-locations', 'import', file], cliEnv());
  expect(result).toMatchObject({
    code: 0,
    stdout: `${file}: 0 stored, 0 unchanged (post already located), 0 rejected, 1 skipped: erased\n`,
  });
  expect(await dump(instanceA.databaseUrl!)).not.toContain('closing-post-');
});

it('the restore drill: a backup from before the erasure, restored and replayed, holds nothing of it', async () => {
  restored = await createTestDatabase();
  await restore(dumpBefore, restored.url);
  expect(await dump(restored.url)).toContain(USER);
  const tombstones = await runCli(['accounts', 'tombstones'], cliEnv());
  expect(tombstones.code).toBe(0);
  expect(tombstones.stdout).not.toContain(USER);
  const replay = await runCli(
    ['accounts', 'replay-erasures', '-'],
    { ...cliEnv(), DATABASE_URL: restored.url },
    { stdin: tombstones.stdout },
  );
  expect(replay).toMatchObject({
    code: 0,
    stdout: 'accounts replay-erasures: 2 tombstones, 1 accounts erased again\n',
  });
  const cleaned = await dump(restored.url);
  expect(cleaned).not.toContain(USER);
  expect(cleaned).not.toContain('closing-post-');
  expect(cleaned).not.toContain(sealedNameHex);
  expect(cleaned).toContain('stays-open');
});

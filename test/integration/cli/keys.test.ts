// `identity-labels keys`: make a key, see which keys the stored names are under, encrypt the names still in
// plain text and rotate them onto a new key: in short batches, while the service keeps reading, interrupted
// (the process killed) and resumed, and never leaving a name unreadable or a key in the output.
import { once } from 'node:events';
import { keyIdOf } from '../../../src/crypto/real-name-cipher';
import { newRealNameKey, RealNameKeys } from '../../../src/crypto/real-name-keys';
import { RealNames } from '../../../src/real-names/real-names';
import { runCli, startCli, type CliResult } from '../../support/cli';
import { useMigratedDatabase } from '../../support/database';
import { anAccount, insertAccounts } from '../../support/factories';
import { plainRealNames, storedAccounts } from '../../support/real-names';
import { startTestServer, userRef, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';

const migrated = useMigratedDatabase();
const K1 = newRealNameKey('k1');
const K2 = newRealNameKey('k2');
const GONE = newRealNameKey('gone');
const COUNT = 1000;
// Without keys, names are stored in plain text on purpose: what `keys encrypt` is for.
const env = (keys: string | undefined) => ({
  DATABASE_URL: migrated.database.url,
  REAL_NAME_KEYS: keys,
  STORE_REAL_NAMES_IN_PLAIN_TEXT: keys === undefined ? 'true' : 'false',
});
const outputs: CliResult[] = [];

async function cli(args: string[], keys: string | undefined, stdin?: string): Promise<CliResult> {
  const result = await runCli(args, env(keys), { stdin });
  outputs.push(result);
  return result;
}

const nameOf = (index: number) => `Person Number ${index}`;
const people = Array.from({ length: COUNT }, (_, index) =>
  anAccount({
    userId: `p-${String(index).padStart(5, '0')}`,
    realName: nameOf(index),
    followerCount: 2_000_000,
    consent: 'YES',
  }),
);

/** How each row stores its name: "plain", the key id it is encrypted under, "both" or "none". */
async function storedForms(): Promise<Map<string, string>> {
  const rows = (await migrated.dataSource.query('SELECT user_id, real_name, real_name_encrypted FROM accounts')) as {
    user_id: string;
    real_name: string | null;
    real_name_encrypted: Buffer | null;
  }[];
  return new Map(
    rows.map((row) => {
      if (row.real_name !== null && row.real_name_encrypted !== null) return [row.user_id, 'both'];
      if (row.real_name !== null) return [row.user_id, 'plain'];
      return [row.user_id, row.real_name_encrypted === null ? 'none' : keyIdOf(row.real_name_encrypted)!];
    }),
  );
}

async function countUnder(keyId: string): Promise<number> {
  return [...(await storedForms()).values()].filter((form) => form === keyId).length;
}

/** Starts the command, kills it (SIGKILL) once its first batches are committed, and waits for it to end. */
async function interrupted(args: string[], keys: string, keyId: string): Promise<number> {
  const { child } = startCli(args, env(keys));
  const exited = once(child, 'exit');
  let done = 0;
  while (done === 0 && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    done = await countUnder(keyId);
  }
  child.kill('SIGKILL');
  await exited;
  return countUnder(keyId);
}

const servers: TestServer[] = [];
onTeardown(async () => {
  for (const server of servers) await server.close();
});

/** Reads every name through the service until `until` settles; each answer must be whole and right. */
async function readWhile(until: Promise<unknown>, server: TestServer): Promise<number> {
  let settled = false;
  void until.finally(() => (settled = true));
  let rounds = 0;
  while (!settled) {
    const sample = people.filter((_, index) => index % 20 === rounds % 20);
    const body = await server.entities(
      sample.map((account) => userRef(account.userId, 'nick')),
      '... on User { displayName }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities).toEqual(
      sample.map((account) => ({ displayName: `nick (${nameOf(people.indexOf(account))})` })),
    );
    rounds += 1;
  }
  return rounds;
}

it('generate prints a new REAL_NAME_KEYS entry, different every time', async () => {
  const first = await cli(['keys', 'generate', '--id', 'k9'], undefined);
  const second = await cli(['keys', 'generate', '--id', 'k9'], undefined);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toMatch(/^k9:[A-Za-z0-9+/]{43}=\n$/);
  expect(RealNameKeys.parse(first.stdout.trim()).ids).toEqual(['k9']);
  expect(second.stdout).not.toBe(first.stdout);
  expect(await cli(['keys', 'generate', '--id', 'no spaces'], undefined)).toMatchObject({ code: 2 });
});

it('status, before any name is stored: the current key, under which nothing is yet', async () => {
  expect((await cli(['keys', 'status'], K1)).stdout).toBe('plain text: 0\nkey "k1" (current): 0\n');
});

it('encrypt and rotate refuse to run without REAL_NAME_KEYS', async () => {
  const result = await cli(['keys', 'encrypt'], undefined);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/REAL_NAME_KEYS is not set/);
});

it('encrypt moves every plain-text name under the current key, resumably, while the service reads them', async () => {
  await insertAccounts(migrated.dataSource, people, plainRealNames); // as a database from before encryption
  const server = await startTestServer({ ...env(K1), RUN_MIGRATIONS: 'false', NOTIFY_INTERVAL_SECONDS: '0' });
  servers.push(server);

  const before = await interrupted(['keys', 'encrypt', '--batch-size', '20'], K1, 'k1');
  expect(before).toBeGreaterThan(0);
  expect(before).toBeLessThan(COUNT);
  const forms = [...(await storedForms()).values()];
  expect(forms.filter((form) => form === 'plain')).toHaveLength(COUNT - before); // killed between batches: whole rows

  // Another writer at the same time: notify locks and rewrites every one of these accounts.
  const resumed = runCli(['keys', 'encrypt', '--batch-size', '20'], env(K1));
  const notify = cli(['notify'], K1);
  expect(await readWhile(Promise.all([resumed, notify]), server)).toBeGreaterThan(0);
  const result = await resumed;
  outputs.push(result);
  expect(result.code).toBe(0);
  expect((await notify).stdout).toBe(
    `notify: ${COUNT.toLocaleString('en')} notified, 0 notices withdrawn, 0 deadlines passed\n`,
  );
  expect(result.stdout).toBe(`keys encrypt: ${(COUNT - before).toLocaleString('en')} names now under key "k1"\n`);
  expect(new Set((await storedForms()).values())).toEqual(new Set(['k1']));
  expect((await cli(['keys', 'encrypt'], K1)).stdout).toBe('keys encrypt: 0 names now under key "k1"\n');
});

it('rotate moves every name onto the new key, resumably; then the old key can be removed', async () => {
  const server = await startTestServer({
    ...env(`${K2},${K1}`),
    RUN_MIGRATIONS: 'false',
    NOTIFY_INTERVAL_SECONDS: '0',
  });
  servers.push(server);

  const before = await interrupted(['keys', 'rotate', '--batch-size', '20'], `${K2},${K1}`, 'k2');
  expect(before).toBeGreaterThan(0);
  expect(before).toBeLessThan(COUNT);
  expect(await countUnder('k1')).toBe(COUNT - before);

  const resumed = runCli(['keys', 'rotate', '--batch-size', '20'], env(`${K2},${K1}`));
  expect(await readWhile(resumed, server)).toBeGreaterThan(0);
  const result = await resumed;
  outputs.push(result);
  expect(result).toMatchObject({ code: 0 });
  expect(result.stdout).toBe(`keys rotate: ${(COUNT - before).toLocaleString('en')} names now under key "k2"\n`);

  expect((await cli(['keys', 'status'], `${K2},${K1}`)).stdout).toBe(
    'plain text: 0\nkey "k2" (current): 1,000\nkey "k1": 0 (can be removed)\n',
  );
  // With k1 gone from the configuration, every name still reads.
  const readable = await storedAccounts(migrated.dataSource, new RealNames(RealNameKeys.parse(K2)));
  expect(readable.map((account) => account.realName)).toEqual(people.map((_, index) => nameOf(index)));
});

it('a name it cannot read is reported by account and left as it is; importing the name again repairs it', async () => {
  await insertAccounts(
    migrated.dataSource,
    [anAccount({ userId: 'lost', realName: 'Lost Name', followerCount: 2_000_000, consent: 'YES' })],
    new RealNames(RealNameKeys.parse(GONE)),
  );
  expect((await cli(['keys', 'status'], K2)).stdout).toBe(
    'plain text: 0\nkey "gone" (not in REAL_NAME_KEYS: unreadable): 1\nkey "k2" (current): 1,000\n',
  );
  const result = await cli(['keys', 'rotate'], K2);
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    'account lost: a stored real name cannot be read: it is encrypted under a key that REAL_NAME_KEYS does not hold (key id "gone")\n',
  );
  expect(result.stdout).toBe('keys rotate: 0 names now under key "k2", 1 could not be read (left as they are)\n');
  expect((await storedForms()).get('lost')).toBe('gone');

  const imported = await cli(['import', '--no-notify', '-'], K2, '{"userId":"lost","realName":"Lost Name"}\n');
  expect(imported.stdout).toContain('0 inserted, 1 updated, 0 unchanged');
  expect((await storedForms()).get('lost')).toBe('k2');
  const audit = await cli(['audit', 'lost'], K2);
  expect(audit.stdout).toMatch(/REAL_NAME_CHANGED/);
});

it('never prints a key or a name', () => {
  const printed = outputs.map((output) => output.stdout + output.stderr).join('\n');
  for (const key of [K1, K2, GONE]) expect(printed).not.toContain(key.split(':')[1]);
  expect(printed).not.toMatch(/Person Number|Lost Name/);
});

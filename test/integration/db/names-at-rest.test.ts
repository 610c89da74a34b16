// With encryption on (as production requires), a dump of the service's whole database holds none of the
// names imported: after an import, consents, a notify run and a key rotation. Without keys (development), the
// same dump holds every one of them: the check does see a name when one is there.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { newRealNameKey } from '../../../src/crypto/real-name-keys';
import { runCli } from '../../support/cli';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { startTestServer, userRef, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';

const execFileAsync = promisify(execFile);
const K1 = newRealNameKey('k1');
const K2 = newRealNameKey('k2');

const NAMES = [
  'Zhang Wei',
  '王芳',
  '李娜',
  '欧阳娜娜',
  'Hangzhou Evening News Media Co Ltd',
  ...Array.from({ length: 40 }, (_, index) => `Imported Person ${index}`),
];
const records = NAMES.map((realName, index) => ({
  userId: `at-rest-${index}`,
  realName,
  verification: 'VERIFIED',
  subjectKind: realName.includes('Co Ltd') ? 'ORGANIZATION' : 'INDIVIDUAL',
  followerCount: index % 2 === 0 ? 2_000_000 : 50_000,
}));

const folder = mkdtempSync(join(tmpdir(), 'identity-at-rest-'));
const file = join(folder, 'accounts.ndjson');
writeFileSync(file, records.map((record) => JSON.stringify(record)).join('\n'));

const databases: TestDatabase[] = [];
let server: TestServer | undefined;
onTeardown(async () => {
  await server?.close();
  for (const database of databases) await database.drop();
  rmSync(folder, { recursive: true, force: true });
});

/** `mysqldump` of the whole database, as a backup would take it: every table, schema and rows. */
async function mysqldump(database: TestDatabase, options: string[] = []): Promise<Buffer> {
  const url = new URL(database.url);
  const { stdout } = await execFileAsync(
    'mysqldump',
    [
      `--host=${url.hostname}`,
      `--port=${url.port || '3306'}`,
      `--user=${decodeURIComponent(url.username) || 'root'}`,
      ...(url.password === '' ? [] : [`--password=${decodeURIComponent(url.password)}`]),
      ...options,
      database.name,
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** Every way a name could show in a dump: its UTF-8 bytes, and its hex (--hex-blob) in either case. */
function namesIn(dump: Buffer): string[] {
  const text = dump.toString('latin1');
  return NAMES.filter((name) => {
    const hex = Buffer.from(name, 'utf8').toString('hex');
    return dump.includes(Buffer.from(name, 'utf8')) || text.includes(hex) || text.includes(hex.toUpperCase());
  });
}

async function command(args: string[], env: Record<string, string | undefined>): Promise<string> {
  const result = await runCli(args, env);
  expect(result).toMatchObject({ code: 0 });
  return result.stdout;
}

it('with encryption on, a dump after import, consent, notify and rotation holds none of the names', async () => {
  const database = await createTestDatabase();
  databases.push(database);
  const env = { DATABASE_URL: database.url, REAL_NAME_KEYS: K1 };
  await command(['migrate'], env);
  expect(await command(['import', file], env)).toContain(`${NAMES.length} inserted`); // and notify

  server = await startTestServer({ ...env, RUN_MIGRATIONS: 'false', NOTIFY_INTERVAL_SECONDS: '0' });
  for (const owner of ['at-rest-0', 'at-rest-1', 'at-rest-4']) {
    const { body } = await server.post(
      { query: 'mutation { setRealNameConsent(consent: true) { status realName } }' },
      { 'x-viewer-id': owner },
    );
    expect(body.data?.setRealNameConsent).toMatchObject({ status: 'DISCLOSED' });
  }
  await command(['notify'], env);
  const rotation = await command(['keys', 'rotate'], { ...env, REAL_NAME_KEYS: `${K2},${K1}` });
  expect(rotation).toBe(`keys rotate: ${NAMES.length} names now under key "k2"\n`);

  // The service still reads them (with the new key alone) ...
  await server.close();
  server = await startTestServer({ ...env, REAL_NAME_KEYS: K2, RUN_MIGRATIONS: 'false', NOTIFY_INTERVAL_SECONDS: '0' });
  const body = await server.entities(
    [userRef('at-rest-0', 'zw'), userRef('at-rest-1', 'wf')],
    '... on User { displayName }',
  );
  expect(body.data?._entities).toEqual([{ displayName: 'zw (Zhang Wei)' }, { displayName: 'wf (王芳)' }]);

  // ... and the dump holds every table, rows and all, but no name and no key.
  for (const dump of [await mysqldump(database), await mysqldump(database, ['--hex-blob'])]) {
    const text = dump.toString('utf8');
    for (const table of ['accounts', 'audit_log', 'notification_outbox', 'policy_stages', 'migrations']) {
      expect(text).toContain(`CREATE TABLE \`${table}\``);
    }
    expect(text).toMatch(/'at-rest-44'/);
    expect(text).toMatch(/'CONSENTED'/);
    expect(text).toMatch(/'NOTICE'/);
    expect(namesIn(dump)).toEqual([]);
    for (const key of [K1, K2]) {
      const bytes = Buffer.from(key.split(':')[1]!, 'base64');
      expect(text).not.toContain(key.split(':')[1]);
      expect(dump.includes(bytes)).toBe(false);
      expect(text.toUpperCase()).not.toContain(bytes.toString('hex').toUpperCase());
    }
  }
});

it('without keys (development only), the same dump holds every name: the check sees a name that is there', async () => {
  const database = await createTestDatabase();
  databases.push(database);
  const env = { DATABASE_URL: database.url, REAL_NAME_KEYS: undefined, STORE_REAL_NAMES_IN_PLAIN_TEXT: 'true' };
  await command(['migrate'], env);
  await command(['import', '--no-notify', file], env);
  expect(namesIn(await mysqldump(database))).toEqual(NAMES);
  expect(namesIn(await mysqldump(database, ['--hex-blob']))).toEqual(NAMES);
});

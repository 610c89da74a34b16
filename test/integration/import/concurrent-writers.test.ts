// Every writer at once: four imports of different files, two of the same file, a notify run and fifty consents,
// on one database. Nothing deadlocks or gives up, every valid line is stored exactly once, and the result is
// the one a serial run of the same work gives, with an audit chain that never skips a status.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { runCli } from '../../support/cli';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { anAccount, insertAccounts } from '../../support/factories';
import { startTestServer, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';
import { TEST_REAL_NAME_KEYS } from '../../support/real-names';

jest.setTimeout(300_000);

const NOW = new Date();
const PER_FILE = 3000;
const FILES = 4;
const SEEDED = 100;
const CONSENTING = 40;

/** Accounts there before: verified, subject under the default policy, not notified yet. */
const seeded = Array.from({ length: SEEDED }, (_, index) =>
  anAccount({ userId: `s-${String(index).padStart(4, '0')}`, realName: `Seeded ${index}`, followerCount: 600_000 }),
);

/** Interleaved ids, so that every file's new rows fall between every other file's. */
function fileRecords(file: number): string {
  let text = '';
  for (let index = 0; index < PER_FILE; index += 1) {
    const id = `n-${String(index * FILES + file).padStart(6, '0')}`;
    text += `${JSON.stringify({ userId: id, followerCount: (index * 997) % 1_500_000, realName: `Name ${id}`, verification: 'VERIFIED' })}\n`;
  }
  return text;
}

/** Imported twice at once: new ids, and a new follower count for every seeded account. */
function sharedRecords(): string {
  let text = '';
  for (let index = 0; index < PER_FILE; index += 1) {
    text += `${JSON.stringify({ userId: `d-${String(index).padStart(6, '0')}`, followerCount: index * 500, verification: 'UNVERIFIED' })}\n`;
  }
  for (const account of seeded) text += `${JSON.stringify({ userId: account.userId, followerCount: 700_000 })}\n`;
  return text;
}

let folder: string;
const databases: TestDatabase[] = [];
const servers: TestServer[] = [];

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'identity-concurrent-'));
  for (let file = 0; file < FILES; file += 1) writeFileSync(join(folder, `file-${file}.ndjson`), fileRecords(file));
  writeFileSync(join(folder, 'shared.ndjson'), sharedRecords());
});
onTeardown(async () => {
  for (const server of servers) await server.close();
  for (const database of databases) await database.drop();
  rmSync(folder, { recursive: true, force: true });
});

interface Exit {
  args: string[];
  code: number | null;
  stderr: string;
}

async function cli(args: string[], databaseUrl: string): Promise<Exit> {
  const { code, stderr } = await runCli(args, { DATABASE_URL: databaseUrl, REAL_NAME_KEYS: TEST_REAL_NAME_KEYS });
  return { args, code, stderr };
}

const SET_CONSENT = 'mutation { setRealNameConsent(consent: true) { status } }';

/** 40 accounts consent; 10 of them twice at the same moment (two devices). */
function consentRequests(): string[] {
  const ids = seeded.slice(0, CONSENTING).map((account) => account.userId);
  return [...ids, ...ids.slice(0, 10)];
}

async function consent(server: TestServer, userId: string): Promise<unknown> {
  const { status, body } = await server.post({ query: SET_CONSENT }, { 'x-viewer-id': userId });
  return { status, errors: body.errors, answer: body.data?.setRealNameConsent };
}

async function prepared(): Promise<{ database: TestDatabase; server: TestServer }> {
  const database = await createTestDatabase();
  databases.push(database);
  const server = await startTestServer({ DATABASE_URL: database.url, NOTIFY_INTERVAL_SECONDS: '0' }, NOW);
  servers.push(server);
  await insertAccounts(server.app.dataSource, seeded);
  return { database, server };
}

const importArgs = (name: string) => ['import', '--batch-size', '500', join(folder, name)];
const allImports = () => [
  ...Array.from({ length: FILES }, (_, file) => importArgs(`file-${file}.ndjson`)),
  importArgs('shared.ndjson'),
  importArgs('shared.ndjson'),
];

/** What CHECKSUM TABLE compares: the accounts as they stand, with notice times as "notified or not". */
async function checksum(databaseUrl: string) {
  const connection = await mysql.createConnection(databaseUrl);
  try {
    await connection.query('DROP TABLE IF EXISTS accounts_compared');
    await connection.query(
      `CREATE TABLE accounts_compared ENGINE=InnoDB AS
         SELECT user_id, real_name, subject_kind, verification, follower_count, category,
                notified_at IS NOT NULL AS notified, notified_stage_id, consent, consent_at
         FROM accounts ORDER BY user_id`,
    );
    const [checked] = (await connection.query('CHECKSUM TABLE accounts_compared')) as unknown as [
      { Checksum: string }[],
    ];
    const accounts = checked[0]?.Checksum;
    const count = async (table: string) =>
      Number(((await connection.query(`SELECT COUNT(*) AS n FROM ${table}`)) as unknown as [{ n: number }[]])[0][0]?.n);
    return {
      accounts,
      rows: {
        accounts: await count('accounts'),
        audit_log: await count('audit_log'),
        notification_outbox: await count('notification_outbox'),
      },
    };
  } finally {
    await connection.end();
  }
}

/**
 * Each account's audit entries, oldest first, never skip a status: an entry starts where the one before it
 * ended, or belongs to the same change (the same statuses before and after).
 */
async function auditGaps(server: TestServer): Promise<string[]> {
  const rows = (await server.app.dataSource.query(
    'SELECT user_id, old_status, new_status FROM audit_log ORDER BY user_id, id',
  )) as { user_id: string; old_status: string; new_status: string }[];
  const gaps: string[] = [];
  for (let index = 1; index < rows.length; index += 1) {
    const [before, entry] = [rows[index - 1]!, rows[index]!];
    if (before.user_id !== entry.user_id) continue;
    const sameChange = before.old_status === entry.old_status && before.new_status === entry.new_status;
    if (!sameChange && entry.old_status !== before.new_status) {
      gaps.push(
        `${entry.user_id}: ${before.old_status}->${before.new_status} then ${entry.old_status}->${entry.new_status}`,
      );
    }
  }
  return gaps;
}

it('all at once: every process exits 0, every consent is answered, and the result equals a serial run', async () => {
  const serial = await prepared();
  for (const args of allImports()) expect(await cli(args, serial.database.url)).toMatchObject({ code: 0 });
  expect(await cli(['notify'], serial.database.url)).toMatchObject({ code: 0 });
  const serialAnswers = [];
  for (const userId of consentRequests()) serialAnswers.push(await consent(serial.server, userId));

  const concurrent = await prepared();
  const [exits, answers] = await Promise.all([
    Promise.all([...allImports(), ['notify']].map((args) => cli(args, concurrent.database.url))),
    Promise.all(consentRequests().map((userId) => consent(concurrent.server, userId))),
  ]);
  for (const exit of exits)
    expect(exit).toEqual({ args: exit.args, code: 0, stderr: expect.not.stringMatching(/Deadlock|lock wait/i) });
  expect(answers).toEqual(serialAnswers);
  for (const answer of answers)
    expect(answer).toEqual({ status: 200, errors: undefined, answer: { status: 'DISCLOSED' } });

  // Imports notify what they imported as they finish; one last run settles what a concurrent import added
  // after a notify run had passed it, as it would at the server's next interval.
  for (const { database } of [serial, concurrent])
    expect(await cli(['notify'], database.url)).toMatchObject({ code: 0 });

  const expected = await checksum(serial.database.url);
  expect(expected.rows.accounts).toBe(SEEDED + FILES * PER_FILE + PER_FILE);
  expect(await checksum(concurrent.database.url)).toEqual(expected);
  expect(await auditGaps(concurrent.server)).toEqual([]);
  expect(await auditGaps(serial.server)).toEqual([]);
});

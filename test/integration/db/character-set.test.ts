// A database created in another character set than utf8mb4 (latin1, an old server's default): every table the
// service creates still stores Chinese text, an existing one is converted by a migration with its rows kept,
// and a column that cannot store it stops the service and the commands at start, named with the fix.
import mysql from 'mysql2/promise';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { migrations } from '../../../migrations';
import { dataSourceOptions } from '../../../src/db/data-source';
import { runCli } from '../../support/cli';
import { connectTo, useTestDatabase, type TestDatabase } from '../../support/database';
import { startTestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';

const fresh = useTestDatabase('latin1');
const existing = useTestDatabase('latin1');

/** Every text column of the database: table.column -> charset/collation. */
async function textColumns(database: TestDatabase): Promise<Record<string, string>> {
  const dataSource = await connectTo(database, 1);
  try {
    const rows = (await dataSource.query(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IS NOT NULL`,
    )) as { t: string; c: string; charset: string; collation: string }[];
    return Object.fromEntries(rows.map((row) => [`${row.t}.${row.c}`, `${row.charset}/${row.collation}`]));
  } finally {
    await dataSource.destroy();
  }
}

function expectAllUtf8mb4(columns: Record<string, string>): void {
  expect(Object.keys(columns).length).toBeGreaterThan(20);
  for (const [column, charset] of Object.entries(columns)) expect(`${column} ${charset}`).toMatch(/ utf8mb4\//);
  // Ids are still compared byte for byte.
  for (const id of [
    'accounts.user_id',
    'audit_log.user_id',
    'post_ip_locations.post_id',
    'user_ip_locations.user_id',
  ]) {
    expect(columns[id]).toBe('utf8mb4/utf8mb4_bin');
  }
}

const CHINESE_ACCOUNTS = [
  {
    userId: 'u-caijing',
    followerCount: 1_200_000,
    verification: 'VERIFIED',
    subjectKind: 'INDIVIDUAL',
    category: '财经',
  },
  { userId: 'u-falv', followerCount: 10, category: '法律' },
  { userId: 'u-astral', followerCount: 10, category: '𠮷野家' }, // outside the BMP: utf8 (utf8mb3) would not do
];

it('a new database in latin1: migrated, it takes an import of Chinese categories and a Chinese stage name', async () => {
  // Names in plain text on purpose: the point is Chinese text in every text column, real_name included.
  const env = { DATABASE_URL: fresh.url, STORE_REAL_NAMES_IN_PLAIN_TEXT: 'true' };
  expect((await runCli(['migrate'], env)).code).toBe(0);
  const input = CHINESE_ACCOUNTS.map((account) => JSON.stringify(account)).join('\n');
  const imported = await runCli(['import', '--no-notify', '-'], env, { stdin: `${input}\n` });
  expect(imported.stderr).toBe('');
  expect(imported.stdout).toContain('3 inserted, 0 updated, 0 unchanged, 0 rejected');
  const added = await runCli(
    ['policy', 'add', '--name', '财经阶段', '--min-followers', '1000000', '--from', '2099-01-01', '--yes'],
    env,
  );
  expect(added.code).toBe(0);
  const dataSource = await connectTo(fresh, 1);
  try {
    expect(await dataSource.query('SELECT category FROM accounts ORDER BY user_id')).toEqual([
      { category: '𠮷野家' },
      { category: '财经' },
      { category: '法律' },
    ]);
    expect(await dataSource.query("SELECT name FROM policy_stages WHERE name = '财经阶段'")).toHaveLength(1);
  } finally {
    await dataSource.destroy();
  }
  expectAllUtf8mb4(await textColumns(fresh));
});

/**
 * The schema as the version before the conversion left a latin1 database: the tables' defaults and every
 * text column latin1, except those its migrations declared utf8mb4 (the ids, binary, and the real name).
 * (The migrations of today make their tables utf8mb4 at once: the old state is made here.)
 */
async function asTheFirstMigrationsLeftIt(dataSource: DataSource): Promise<void> {
  const tables = ['accounts', 'policy_stages', 'audit_log', 'notification_outbox', 'policy_changes'];
  for (const table of [...tables, 'post_ip_locations', 'user_ip_locations', 'migrations']) {
    await dataSource.query(`ALTER TABLE \`${table}\` CONVERT TO CHARACTER SET latin1`);
  }
  const id = 'varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL';
  await dataSource.query(
    `ALTER TABLE accounts MODIFY user_id ${id}, MODIFY real_name varchar(255) CHARACTER SET utf8mb4 NULL`,
  );
  await dataSource.query(`ALTER TABLE audit_log MODIFY user_id ${id}`);
  await dataSource.query(`ALTER TABLE notification_outbox MODIFY user_id ${id}`);
  await dataSource.query(`ALTER TABLE post_ip_locations MODIFY post_id ${id}, MODIFY user_id ${id}`);
  await dataSource.query(`ALTER TABLE user_ip_locations MODIFY user_id ${id}, MODIFY post_id ${id}`);
}

it('an existing database in latin1, migrated by the previous version, is converted with its rows kept', async () => {
  const previous = new DataSource({
    ...dataSourceOptions(
      {
        databaseUrl: existing.url,
        dbPoolSize: 1,
        dbQueryTimeoutMs: undefined,
        dbConnectTimeoutMs: 2000,
        dbQueueLimit: 200,
      },
      pino({ level: 'silent' }),
    ),
    migrations: migrations.slice(
      0,
      migrations.findIndex((migration) => /Utf8mb4/.test(migration.name)),
    ),
  });
  await previous.initialize();
  try {
    await previous.runMigrations();
    await asTheFirstMigrationsLeftIt(previous);
    expect(await textColumns(existing)).toMatchObject({
      'accounts.category': 'latin1/latin1_swedish_ci',
      'accounts.user_id': 'utf8mb4/utf8mb4_bin',
    });
    await previous.query(
      "INSERT INTO accounts (user_id, category, verification) VALUES ('Abc', 'finance', 'VERIFIED'), ('abc', 'law', 'UNVERIFIED')",
    );
    await previous.query(
      "INSERT INTO audit_log (user_id, at, event, old_status, new_status, cause) VALUES ('abc', NOW(), 'NOTIFIED', 'A', 'B', 'café')",
    );
  } finally {
    await previous.destroy();
  }

  const migrated = await runCli(['migrate'], { DATABASE_URL: existing.url });
  expect(migrated).toMatchObject({ code: 0, stdout: expect.stringMatching(/applied .*Utf8mb4/) });
  expectAllUtf8mb4(await textColumns(existing));
  const dataSource = await connectTo(existing, 1);
  try {
    expect(
      await dataSource.query('SELECT user_id, category, verification, consent FROM accounts ORDER BY user_id'),
    ).toEqual([
      { user_id: 'Abc', category: 'finance', verification: 'VERIFIED', consent: 'NONE' },
      { user_id: 'abc', category: 'law', verification: 'UNVERIFIED', consent: 'NONE' },
    ]);
    expect(await dataSource.query('SELECT cause FROM audit_log')).toEqual([{ cause: 'café' }]);
    // Defaults and NOT NULL survived the conversion.
    await dataSource.query("INSERT INTO accounts (user_id, category) VALUES ('u-new', '新闻')");
    expect(
      await dataSource.query("SELECT verification, consent, category FROM accounts WHERE user_id = 'u-new'"),
    ).toEqual([{ verification: 'UNVERIFIED', consent: 'NONE', category: '新闻' }]);
    await expect(
      dataSource.query("INSERT INTO accounts (user_id, verification) VALUES ('u-null', NULL)"),
    ).rejects.toThrow(/cannot be null/i);
  } finally {
    await dataSource.destroy();
  }
});

describe('a text column that cannot store Chinese text, after the migrations', () => {
  // Over a plain connection: the service's own would refuse this schema.
  async function onFresh(...statements: string[]): Promise<void> {
    const connection = await mysql.createConnection(fresh.url);
    try {
      for (const statement of statements) await connection.query(statement);
    } finally {
      await connection.end();
    }
  }
  beforeAll(() =>
    onFresh(
      'DELETE FROM accounts', // latin1 could not hold their categories
      'ALTER TABLE accounts MODIFY category varchar(64) CHARACTER SET latin1 NULL',
    ),
  );
  onTeardown(() => onFresh('ALTER TABLE accounts MODIFY category varchar(64) CHARACTER SET utf8mb4 NULL'));
  const refusal =
    /accounts\.category \(latin1\).*utf8mb4.*ALTER TABLE `accounts` MODIFY `category` varchar\(64\) CHARACTER SET utf8mb4/s;

  it('stops a command before it does anything, naming the column and the fix', async () => {
    const result = await runCli(['import', '--no-notify', '-'], { DATABASE_URL: fresh.url }, { stdin: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(refusal);
  });

  it('stops the server at start, naming the column and the fix', async () => {
    const starting = startTestServer({ DATABASE_URL: fresh.url, NOTIFY_INTERVAL_SECONDS: '0' });
    // A server that starts after all is closed again, so that the test fails instead of hanging.
    await expect(starting.then((server) => server.close())).rejects.toThrow(refusal);
  });
});

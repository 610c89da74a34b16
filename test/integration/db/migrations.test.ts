// The migrations are the only way the schema reaches MySQL: they must apply, stay put, and undo cleanly.
import type { DataSource } from 'typeorm';
import { migrations } from '../../../migrations';
import { decryptRealName, encryptRealName } from '../../../src/crypto/real-name-cipher';
import { newRealNameKey, RealNameKeys } from '../../../src/crypto/real-name-keys';
import { connectTo, useTestDatabase } from '../../support/database';
import { onTeardown } from '../../support/teardown';

const database = useTestDatabase();
let dataSource: DataSource;

beforeAll(async () => {
  dataSource = await connectTo(database, 2);
});
onTeardown(async () => {
  await dataSource?.destroy();
});

it('apply on an empty database, then have nothing left to do', async () => {
  expect((await dataSource.runMigrations()).map((migration) => migration.name)).toEqual([
    'CreateAccounts1795590000000',
    'CreatePolicyStages1795590000001',
    'SeedDefaultPolicy1795590000002',
    'CreateAuditAndOutbox1795590000003',
    'AddNotifiedStage1795590000004',
    'AddStageRetirement1795590000010',
    'AddAuditStage1795590000011',
    'CreatePolicyChanges1795590000012',
    'CreateIpLocations1795590000020',
    'AddEncryptedRealName1795590000030',
    'Utf8mb4Everywhere1795590000040',
    'CreateErasures1795590000050',
    'CreateProfessionalLabels1795590000070',
    'CreateEventTables1795590000080',
    'CreateProfessionalFactTimes1795590000090',
    'AddDeadlineAnnounced1795590000100',
    'FactTimesInAccounts1795590000110',
    'BinaryEventKeys1795590000120',
  ]);
  expect(await dataSource.runMigrations()).toEqual([]);
});

it('seed the default policy', async () => {
  const rows = await dataSource.query(
    'SELECT name, min_followers, categories, effective_from, notice_days, mode FROM policy_stages ORDER BY id',
  );
  expect(rows).toEqual([
    {
      name: 'initial',
      min_followers: 1_000_000,
      categories: null,
      effective_from: new Date('2023-10-30T16:00:00Z'),
      notice_days: 13,
      mode: 'CONSENT',
    },
    {
      name: 'expanded',
      min_followers: 500_000,
      categories: null,
      effective_from: new Date('2023-12-21T16:00:00Z'),
      notice_days: 9,
      mode: 'CONSENT',
    },
  ]);
});

it('keep user ids that differ only in case apart', async () => {
  await dataSource.query("INSERT INTO accounts (user_id) VALUES ('Abc'), ('abc')");
  expect(await dataSource.query("SELECT user_id FROM accounts WHERE user_id = 'abc'")).toEqual([{ user_id: 'abc' }]);
  await dataSource.query('DELETE FROM accounts');
});

it.each([
  ["verification = 'MAYBE'", "INSERT INTO accounts (user_id, verification) VALUES ('x', 'MAYBE')"],
  ["consent = 'PERHAPS'", "INSERT INTO accounts (user_id, consent) VALUES ('x', 'PERHAPS')"],
  ['a negative follower count', "INSERT INTO accounts (user_id, follower_count) VALUES ('x', -1)"],
  [
    "mode = 'OPTIONAL'",
    "INSERT INTO policy_stages (name, min_followers, effective_from, notice_days, mode) VALUES ('x', 1, NOW(), 1, 'OPTIONAL')",
  ],
  [
    "action = 'EDITED'",
    "INSERT INTO policy_changes (at, action, stage_name, stage, cause) VALUES (NOW(), 'EDITED', 'x', '{}', 'x')",
  ],
  [
    'a province outside China',
    "INSERT INTO post_ip_locations (post_id, user_id, country_code, region_code, recorded_at) VALUES ('p', 'u', 'US', 'CN-GD', NOW())",
  ],
  [
    "an outbox entry of kind 'SPAM'",
    "INSERT INTO notification_outbox (user_id, kind, created_at) VALUES ('u', 'SPAM', NOW())",
  ],
  [
    'a country code that is not two letters',
    "INSERT INTO user_ip_locations (user_id, post_id, country_code, recorded_at) VALUES ('u', 'p', 'U', NOW())",
  ],
  [
    'a professional field that is not one',
    "INSERT INTO qualifications (user_id, field, title, verified_at) VALUES ('u', 'POLITICS', 't', NOW())",
  ],
  [
    'a credential that expires before it was verified',
    "INSERT INTO qualifications (user_id, field, title, verified_at, expires_at) VALUES ('u', 'LAW', 't', NOW(), NOW() - INTERVAL 1 DAY)",
  ],
  [
    "event = 'QUALIFICATION_EXPIRED' (expiry is told by the time, not an entry)",
    "INSERT INTO label_changes (user_id, at, event, cause) VALUES ('u', NOW(), 'QUALIFICATION_EXPIRED', 'x')",
  ],
])('refuse a row with %s', async (_case, sql) => {
  await expect(dataSource.query(sql)).rejects.toThrow(/constraint/i);
});

it('keep an encrypted real name in a column of its own, up to the longest a name encrypts to', async () => {
  const keys = RealNameKeys.parse(newRealNameKey('k'.repeat(32)));
  const longest = encryptRealName(keys, 'x', '张'.repeat(255));
  await dataSource.query('INSERT INTO accounts (user_id, real_name_encrypted) VALUES (?, ?)', ['x', longest]);
  const [row] = await dataSource.query('SELECT real_name, real_name_encrypted FROM accounts');
  expect(row.real_name).toBeNull();
  expect(decryptRealName(keys, 'x', row.real_name_encrypted)).toBe('张'.repeat(255));
});

it('keep titles that differ only in case or accents apart, as two credentials', async () => {
  await dataSource.query(
    "INSERT INTO qualifications (user_id, field, title, verified_at) VALUES ('u', 'LAW', 'Lawyer', NOW()), ('u', 'LAW', 'lawyer', NOW()), ('u', 'LAW', 'lawyér', NOW())",
  );
  const [{ n }] = await dataSource.query("SELECT COUNT(*) AS n FROM qualifications WHERE title = 'lawyer'");
  expect(Number(n)).toBe(1);
  await dataSource.query('DELETE FROM qualifications');
});

it('carry the times an account’s facts were observed at into its row, and back', async () => {
  const undoThrough = async (name: string) => {
    for (;;) {
      const [last] = await dataSource.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1');
      await dataSource.undoLastMigration();
      if (last.name === name) return;
    }
  };
  const times = 'followers_observed_at, verification_observed_at FROM';
  await undoThrough('FactTimesInAccounts1795590000110');
  await dataSource.query("INSERT INTO accounts (user_id) VALUES ('timed'), ('untimed')");
  await dataSource.query(
    "INSERT INTO account_fact_times (user_id, followers_observed_at) VALUES ('timed', '2026-11-01 08:00:00.123')",
  );
  await dataSource.runMigrations();
  const timed = `SELECT user_id, ${times} accounts WHERE user_id IN ('timed', 'untimed') ORDER BY user_id`;
  expect(await dataSource.query(timed)).toEqual([
    { user_id: 'timed', followers_observed_at: new Date('2026-11-01T08:00:00.123Z'), verification_observed_at: null },
    { user_id: 'untimed', followers_observed_at: null, verification_observed_at: null },
  ]);
  await undoThrough('FactTimesInAccounts1795590000110');
  expect(await dataSource.query(`SELECT user_id, ${times} account_fact_times`)).toEqual([
    { user_id: 'timed', followers_observed_at: new Date('2026-11-01T08:00:00.123Z'), verification_observed_at: null },
  ]);
  await dataSource.runMigrations();
  await dataSource.query("DELETE FROM accounts WHERE user_id IN ('timed', 'untimed')");
});

it('keep the keys of the events applied across the change to 16 bytes, and back', async () => {
  const key = 'e034b8d30340102792529b46cbdfb9ba'; // eventKey({ source: '//platform', id: 'e-1' })
  await dataSource.undoLastMigration(); // BinaryEventKeys
  await dataSource.query("INSERT INTO processed_events (event_key, processed_at) VALUES (?, '2026-12-01 00:00:00')", [
    key,
  ]);
  await dataSource.runMigrations();
  expect(await dataSource.query('SELECT event_key FROM processed_events')).toEqual([
    { event_key: Buffer.from(key, 'hex') },
  ]);
  await dataSource.undoLastMigration();
  expect(await dataSource.query('SELECT event_key FROM processed_events')).toEqual([{ event_key: key }]);
  await dataSource.runMigrations();
  await dataSource.query('DELETE FROM processed_events');
});

it('refuse to drop the encrypted names while the table holds some (they would be lost)', async () => {
  const newer =
    migrations.length - 1 - migrations.findIndex((migration) => migration.name === 'AddEncryptedRealName1795590000030');
  for (let step = 0; step < newer; step += 1) await dataSource.undoLastMigration();
  await expect(dataSource.undoLastMigration()).rejects.toThrow(
    /1 real names are encrypted: dropping real_name_encrypted would lose them/,
  );
  await dataSource.query('DELETE FROM accounts');
});

it('undo completely, newest first', async () => {
  const applied = async () => Number((await dataSource.query('SELECT COUNT(*) AS n FROM migrations'))[0].n);
  while ((await applied()) > 0) await dataSource.undoLastMigration();
  const tables = await dataSource.query(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name <> 'migrations'",
  );
  expect(tables).toEqual([]);
});

// The accounts table in plain SQL: the read path and the bulk writes are the hottest code in the service,
// and TypeORM's query builder costs more than the database does for them (docs/performance.md). Both MySQL
// and SQLite accept this SQL and its "?" placeholders. The real-name columns are read and written here only.
import type { EntityManager } from 'typeorm';
import { FORMAT_VERSION, headerFor } from '../crypto/real-name-cipher';
import type { AccountFacts } from '../policy/types';
import { isMysql } from './dialect';
import { StoredRealName } from '../real-names/real-names';

const COLUMNS = [
  'user_id',
  'real_name',
  'real_name_encrypted',
  'subject_kind',
  'verification',
  'follower_count',
  'category',
  'notified_at',
  'notified_stage_id',
  'consent',
  'consent_at',
] as const;

/** A row as the drivers return it: mysql2 gives DATETIME as a Date, sql.js as text; binary as a Buffer / Uint8Array. */
interface AccountRow {
  user_id: string;
  real_name: string | null;
  real_name_encrypted: Uint8Array | null;
  subject_kind: AccountFacts['subjectKind'];
  verification: AccountFacts['verification'];
  follower_count: number | string;
  category: string | null;
  notified_at: Date | string | null;
  notified_stage_id: number | string | null;
  consent: AccountFacts['consent'];
  consent_at: Date | string | null;
}

export const SELECT_ACCOUNTS = `SELECT ${COLUMNS.join(', ')} FROM accounts`;

export function placeholders(count: number): string {
  return new Array<string>(count).fill('?').join(', ');
}

/** mysql2 returns DATETIME as a Date (timezone 'Z'); sql.js as text, which is UTC as stored. */
export function dateFromColumn(value: Date | string | null): Date | null {
  if (value === null) return null;
  if (value instanceof Date) return value;
  return new Date(`${value.replace(' ', 'T')}Z`);
}

/** A datetime literal both databases store as written: '2026-11-25 08:00:00.000', in UTC. */
export function datetimeParameter(date: Date | null): string | null {
  return date === null ? null : date.toISOString().replace('T', ' ').replace('Z', '');
}

function copyOf(bytes: Uint8Array | null): Uint8Array | null {
  return bytes === null ? null : Uint8Array.prototype.slice.call(bytes);
}

/** The enumerated columns hold only what the migrations' CHECK constraints allow. The name stays sealed. */
export function accountFromRow(row: AccountRow): AccountFacts {
  return {
    userId: row.user_id,
    // A copy: mysql2 hands out a view of its read buffer, which a cached row would keep alive whole.
    realName: StoredRealName.fromColumns(row.user_id, row.real_name, copyOf(row.real_name_encrypted)),
    subjectKind: row.subject_kind,
    verification: row.verification,
    followerCount: Number(row.follower_count),
    category: row.category,
    notifiedAt: dateFromColumn(row.notified_at),
    notifiedStageId: row.notified_stage_id === null ? null : Number(row.notified_stage_id),
    consent: row.consent,
    consentAt: dateFromColumn(row.consent_at),
  };
}

/** A name read from the table goes back as it came; a new one was sealed by RealNames. */
function realNameParameters(account: AccountFacts): [string | null, Uint8Array | null] {
  if (account.realName === null) return [null, null];
  if (!(account.realName instanceof StoredRealName) || account.realName.userId !== account.userId) {
    throw new TypeError(`account ${account.userId}: a real name is stored only as sealed for its own account`);
  }
  return [account.realName.plainText, account.realName.encrypted];
}

function rowParameters(account: AccountFacts): unknown[] {
  return [
    account.userId,
    ...realNameParameters(account),
    account.subjectKind,
    account.verification,
    account.followerCount,
    account.category,
    datetimeParameter(account.notifiedAt),
    account.notifiedStageId,
    account.consent,
    datetimeParameter(account.consentAt),
  ];
}

/** A DataSource or a transaction's EntityManager: anything that runs SQL. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** One SELECT ... WHERE user_id IN (...), with a locking clause when given; unknown ids have no row. */
export async function selectAccounts(
  database: SqlRunner,
  userIds: readonly string[],
  lock = '',
): Promise<AccountFacts[]> {
  const rows = (await database.query(`${SELECT_ACCOUNTS} WHERE user_id IN (${placeholders(userIds.length)})${lock}`, [
    ...userIds,
  ])) as AccountRow[];
  return rows.map(accountFromRow);
}

function insertRows(manager: EntityManager, accounts: readonly AccountFacts[], suffix: string): Promise<unknown> {
  const row = `(${placeholders(COLUMNS.length)})`;
  return manager.query(
    `INSERT INTO accounts (${COLUMNS.join(', ')}) VALUES ${new Array<string>(accounts.length).fill(row).join(', ')}${suffix}`,
    accounts.flatMap(rowParameters),
  );
}

/** One multi-row INSERT of new accounts; it fails (a duplicate key) when one of them exists by now. */
export async function insertAccounts(manager: EntityManager, accounts: readonly AccountFacts[]): Promise<void> {
  if (accounts.length > 0) await insertRows(manager, accounts, '');
}

/** One multi-row INSERT that updates the rows that exist: the accounts end up exactly as given. */
export async function upsertAccounts(manager: EntityManager, accounts: readonly AccountFacts[]): Promise<void> {
  if (accounts.length === 0) return;
  const updated = COLUMNS.slice(1);
  const onConflict = isMysql(manager.connection.options)
    ? `ON DUPLICATE KEY UPDATE ${updated.map((column) => `${column} = VALUES(${column})`).join(', ')}`
    : `ON CONFLICT (user_id) DO UPDATE SET ${updated.map((column) => `${column} = excluded.${column}`).join(', ')}`;
  await insertRows(manager, accounts, ` ${onConflict}`);
}

// The names at rest, for moving them onto the current key (`identity-labels keys`): which rows hold a name to
// seal anew, how many do, the one UPDATE that writes a batch of them, and how the stored names stand.

/** The names to seal anew: those in plain text and, given `notUnderKeyId`, those encrypted under any other key. */
export interface NamesToReseal {
  notUnderKeyId: string | undefined;
}

function resealCondition({ notUnderKeyId }: NamesToReseal): { where: string; parameters: unknown[] } {
  const plain = "real_name IS NOT NULL AND real_name <> ''";
  if (notUnderKeyId === undefined) return { where: plain, parameters: [] };
  // Every value under a key starts with that key's header (src/crypto/real-name-cipher.ts).
  const header = headerFor(notUnderKeyId);
  return {
    where: `((${plain}) OR (real_name_encrypted IS NOT NULL AND SUBSTR(real_name_encrypted, 1, ?) <> ?))`,
    parameters: [header.length, header],
  };
}

export async function countNamesToReseal(database: SqlRunner, names: NamesToReseal): Promise<number> {
  const { where, parameters } = resealCondition(names);
  const [row] = (await database.query(`SELECT COUNT(*) AS n FROM accounts WHERE ${where}`, parameters)) as [
    { n: number | string },
  ];
  return Number(row.n);
}

/** The next `limit` user ids after `after`, in user-id order, whose name is to be sealed anew. No lock. */
export async function userIdsWithNamesToReseal(
  database: SqlRunner,
  names: NamesToReseal,
  after: string,
  limit: number,
): Promise<string[]> {
  const { where, parameters } = resealCondition(names);
  const rows = (await database.query(
    `SELECT user_id FROM accounts WHERE user_id > ? AND ${where} ORDER BY user_id LIMIT ?`,
    [after, ...parameters, limit],
  )) as { user_id: string }[];
  return rows.map((row) => row.user_id);
}

/**
 * Stores names sealed anew under a key, each on its own account, in one UPDATE that sets both name columns of
 * every row: a reader sees a row plain or encrypted, never half.
 */
export async function storeResealedNames(manager: EntityManager, names: readonly StoredRealName[]): Promise<void> {
  if (names.length === 0) return;
  const values = names.map((name): [string, Uint8Array] => {
    if (name.encrypted === null) throw new TypeError(`account ${name.userId}: a resealed name is encrypted`);
    return [name.userId, name.encrypted];
  });
  await manager.query(
    `UPDATE accounts SET real_name = NULL, real_name_encrypted = CASE user_id ${values.map(() => 'WHEN ? THEN ?').join(' ')} END ` +
      `WHERE user_id IN (${placeholders(values.length)})`,
    [...values.flat(), ...values.map(([userId]) => userId)],
  );
}

export interface StoredNameCounts {
  plainText: number;
  /** Encrypted names by the key id they name; a malformed value counts under "?". */
  byKeyId: Map<string, number>;
}

/** How the stored names stand: how many are plain text, how many under each key. MySQL only. */
export async function storedNameCounts(database: SqlRunner): Promise<StoredNameCounts> {
  const [plain] = (await database.query(
    'SELECT COUNT(*) AS n FROM accounts WHERE real_name IS NOT NULL AND real_name_encrypted IS NULL',
  )) as [{ n: number | string }];
  // The header: a version byte, the key id's length, the key id (src/crypto/real-name-cipher.ts).
  const encrypted = (await database.query(
    `SELECT ORD(SUBSTR(real_name_encrypted, 1, 1)) AS version, SUBSTR(real_name_encrypted, 3, ORD(SUBSTR(real_name_encrypted, 2, 1))) AS key_id, COUNT(*) AS n
     FROM accounts WHERE real_name_encrypted IS NOT NULL GROUP BY version, key_id`,
  )) as { version: number; key_id: Buffer; n: number | string }[];
  const byKeyId = new Map<string, number>();
  for (const row of encrypted) {
    const keyId = row.version === FORMAT_VERSION ? row.key_id.toString('ascii') : '?';
    byKeyId.set(keyId, (byKeyId.get(keyId) ?? 0) + Number(row.n));
  }
  return { plainText: Number(plain.n), byKeyId };
}

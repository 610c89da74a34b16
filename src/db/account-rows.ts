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

/** Every column the read path selects (a test holds `rowStillReads` to each). */
export const ACCOUNT_COLUMNS: readonly string[] = COLUMNS;

/** A row as the drivers return it: mysql2 gives DATETIME as a Date, sql.js as text; binary as a Buffer / Uint8Array. */
export interface AccountRow {
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

/**
 * When the platform last observed the account's follower count and its verification (docs/events.md): an event
 * no newer than the stored time of its fact changes nothing. Written by the events only; null: never observed.
 */
export interface FactTimes {
  followers: Date | null;
  verification: Date | null;
}

const TIME_COLUMNS = ['followers_observed_at', 'verification_observed_at'] as const;

interface TimedRow extends AccountRow {
  followers_observed_at: Date | string | null;
  verification_observed_at: Date | string | null;
}

/** The lists the read path asks for again and again (its IN lists), made once. */
const SHORT_LISTS: string[] = [];
const LONGEST_SHORT_LIST = 1000;

export function placeholders(count: number): string {
  if (count > LONGEST_SHORT_LIST) return new Array<string>(count).fill('?').join(', ');
  return (SHORT_LISTS[count] ??= new Array<string>(count).fill('?').join(', '));
}

/** mysql2 returns DATETIME as a Date (timezone 'Z'); sql.js as text, which is UTC as stored. */
export function dateFromColumn(value: Date | string | null): Date | null {
  if (value === null) return null;
  if (value instanceof Date) return value;
  return new Date(`${value.replace(' ', 'T')}Z`);
}

/** A datetime literal both databases store as written: '2026-11-25 08:00:00.000', in UTC. */
export function datetimeParameter(date: Date | null): string | null {
  if (date === null) return null;
  const iso = date.toISOString();
  // YYYY-MM-DDTHH:MM:SS.sssZ, cut rather than searched (a batch writes thousands); a year past 9999 is longer.
  return iso.length === 24 ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : iso.replace('T', ' ').replace('Z', '');
}

function copyOf(bytes: Uint8Array | null): Uint8Array | null {
  return bytes === null ? null : Uint8Array.prototype.slice.call(bytes);
}

const sameTime = (held: Date | null, column: Date | string | null) =>
  held === null ? column === null : column !== null && held.getTime() === dateFromColumn(column)!.getTime();

const sameBytes = (held: Uint8Array | null, column: Uint8Array | null) =>
  held === null ? column === null : column !== null && Buffer.compare(held, column) === 0;

/** Does the row still say what the account read before says? (Every column, the name as the value stored.) */
function rowStillReads(row: AccountRow, held: AccountFacts): boolean {
  const name = held.realName;
  if (name !== null && !(name instanceof StoredRealName)) return false;
  return (
    row.user_id === held.userId &&
    (name === null
      ? row.real_name_encrypted === null && (row.real_name === null || row.real_name === '')
      : row.real_name === name.plainText && sameBytes(name.encrypted, row.real_name_encrypted)) &&
    row.subject_kind === held.subjectKind &&
    row.verification === held.verification &&
    Number(row.follower_count) === held.followerCount &&
    row.category === held.category &&
    sameTime(held.notifiedAt, row.notified_at) &&
    (row.notified_stage_id === null ? null : Number(row.notified_stage_id)) === held.notifiedStageId &&
    row.consent === held.consent &&
    sameTime(held.consentAt, row.consent_at)
  );
}

/** The account read before, when the row still says the same: nothing is built (the row cache's re-reads). */
export type HeldAccount = (userId: string) => AccountFacts | undefined;

/** The enumerated columns hold only what the migrations' CHECK constraints allow. The name stays sealed. */
export function accountFromRow(row: AccountRow, held?: HeldAccount): AccountFacts {
  const before = held?.(row.user_id);
  if (before !== undefined && rowStillReads(row, before)) return before;
  // A copy: mysql2 hands out a view of its read buffer, which a cached row would keep alive whole.
  return accountOf(row, copyOf(row.real_name_encrypted));
}

function accountOf(row: AccountRow, encryptedName: Uint8Array | null): AccountFacts {
  return {
    userId: row.user_id,
    realName: StoredRealName.fromColumns(row.user_id, row.real_name, encryptedName),
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
  return rows.map((row) => accountFromRow(row));
}

/**
 * The read path's SELECT. With `held` (the row cache's): a row that still says what the account held for it
 * says is that account. Without: the rows live as long as one request, and a name stays a view of the
 * driver's buffer (copying it would cost an allocation per name on every uncached request).
 */
export async function selectAccountsKeeping(
  database: SqlRunner,
  userIds: readonly string[],
  held?: HeldAccount,
): Promise<AccountFacts[]> {
  const rows = (await database.query(`${SELECT_ACCOUNTS} WHERE user_id IN (${placeholders(userIds.length)})`, [
    ...userIds,
  ])) as AccountRow[];
  return held === undefined
    ? rows.map((row) => accountOf(row, row.real_name_encrypted))
    : rows.map((row) => accountFromRow(row, held));
}

/** The accounts with their fact times, each row locked when `lock` says so; unknown ids have no row. */
export async function selectAccountsWithTimes(
  database: SqlRunner,
  userIds: readonly string[],
  lock = '',
): Promise<{ account: AccountFacts; times: FactTimes }[]> {
  const rows = (await database.query(
    `SELECT ${[...COLUMNS, ...TIME_COLUMNS].join(', ')} FROM accounts WHERE user_id IN (${placeholders(userIds.length)})${lock}`,
    [...userIds],
  )) as TimedRow[];
  return rows.map((row) => ({
    account: accountFromRow(row),
    times: {
      followers: dateFromColumn(row.followers_observed_at),
      verification: dateFromColumn(row.verification_observed_at),
    },
  }));
}

const timeParameters = (times: FactTimes | undefined) => [
  datetimeParameter(times?.followers ?? null),
  datetimeParameter(times?.verification ?? null),
];

function valueRows(rows: number, columns: number): string {
  return new Array<string>(rows).fill(`(${placeholders(columns)})`).join(', ');
}

function insertRows(manager: EntityManager, accounts: readonly AccountFacts[], suffix: string): Promise<unknown> {
  return manager.query(
    `INSERT INTO accounts (${COLUMNS.join(', ')}) VALUES ${valueRows(accounts.length, COLUMNS.length)}${suffix}`,
    accounts.flatMap(rowParameters),
  );
}

/**
 * One multi-row INSERT of new accounts, with the times their facts were observed at when given (events); it
 * fails (a duplicate key) when one of them exists by now.
 */
export async function insertAccounts(
  manager: EntityManager,
  accounts: readonly AccountFacts[],
  times?: ReadonlyMap<string, FactTimes>,
): Promise<void> {
  if (accounts.length === 0) return;
  if (times === undefined || times.size === 0) {
    await insertRows(manager, accounts, '');
    return;
  }
  const columns = [...COLUMNS, ...TIME_COLUMNS];
  await manager.query(
    `INSERT INTO accounts (${columns.join(', ')}) VALUES ${valueRows(accounts.length, columns.length)}`,
    accounts.flatMap((account) => [...rowParameters(account), ...timeParameters(times.get(account.userId))]),
  );
}

/** The columns whose values differ between the rows before and after (a name compared as the value stored). */
function changedColumns(rows: readonly { before: unknown[]; after: unknown[] }[]): number[] {
  const changed = new Set<number>();
  for (const { before, after } of rows) {
    for (let column = 1; column < COLUMNS.length; column += 1) {
      if (!Object.is(before[column], after[column])) changed.add(column);
    }
  }
  return [...changed].sort((a, b) => a - b);
}

/**
 * Stores existing accounts (locked by the caller) as changed, in one multi-row upsert of the columns that
 * changed in any of them, no more (an event's follower count rewrites neither the name nor the rest), and of
 * the fact times given: a row given none keeps its own (COALESCE).
 */
export async function updateAccounts(
  manager: EntityManager,
  rows: readonly { before: AccountFacts; after: AccountFacts; observed?: FactTimes }[],
): Promise<void> {
  const parameters = rows.map(({ before, after }) => ({ before: rowParameters(before), after: rowParameters(after) }));
  const changed = changedColumns(parameters).map((index) => ({ name: COLUMNS[index]!, index }));
  const timed = rows.some((row) => row.observed !== undefined);
  if (rows.length === 0 || (changed.length === 0 && !timed)) return;
  const mysql = isMysql(manager.connection.options);
  const value = (column: string) => (mysql ? `VALUES(${column})` : `excluded.${column}`);
  const assignments = [
    ...changed.map(({ name }) => `${name} = ${value(name)}`),
    ...(timed ? TIME_COLUMNS.map((name) => `${name} = COALESCE(${value(name)}, accounts.${name})`) : []),
  ];
  const columns = ['user_id', ...changed.map(({ name }) => name), ...(timed ? TIME_COLUMNS : [])];
  const conflict = mysql ? 'ON DUPLICATE KEY UPDATE' : 'ON CONFLICT (user_id) DO UPDATE SET';
  await manager.query(
    `INSERT INTO accounts (${columns.join(', ')}) VALUES ${valueRows(rows.length, columns.length)} ${conflict} ${assignments.join(', ')}`,
    rows.flatMap((row, position) => [
      row.after.userId,
      ...changed.map(({ index }) => parameters[position]!.after[index]),
      ...(timed ? timeParameters(row.observed) : []),
    ]),
  );
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

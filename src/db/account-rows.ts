// The accounts table in plain SQL: the read path and the bulk writes are the hottest code in the service,
// and TypeORM's query builder costs more than the database does for them (docs/performance.md). Both MySQL
// and SQLite accept this SQL and its "?" placeholders.
import type { EntityManager } from 'typeorm';
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

/** The enumerated columns hold only what the migrations' CHECK constraints allow. The name stays sealed. */
export function accountFromRow(row: AccountRow): AccountFacts {
  return {
    userId: row.user_id,
    realName: StoredRealName.fromColumns(row.user_id, row.real_name, row.real_name_encrypted),
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

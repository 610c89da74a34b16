// The accounts table in plain SQL: the read path and the bulk writes are the hottest code in the service,
// and TypeORM's query builder costs more than the database does for them (see the import profile in the
// README). Both MySQL and SQLite accept this SQL and its "?" placeholders.
import type { EntityManager } from 'typeorm';
import { Account } from './entities/account';

const COLUMNS = [
  'user_id',
  'real_name',
  'subject_kind',
  'verification',
  'follower_count',
  'category',
  'notified_at',
  'notified_stage_id',
  'consent',
  'consent_at',
] as const;

export const SELECT_ACCOUNTS = `SELECT ${COLUMNS.join(', ')} FROM accounts`;

export function placeholders(count: number): string {
  return new Array<string>(count).fill('?').join(', ');
}

/** mysql2 returns DATETIME as a Date (timezone 'Z'); sql.js as text, which is UTC as stored. */
function dateFromColumn(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}

/** A datetime literal both databases store as written: '2026-11-25 08:00:00.000', in UTC. */
export function datetimeParameter(date: Date | null): string | null {
  return date === null ? null : date.toISOString().replace('T', ' ').replace('Z', '');
}

export function accountFromRow(row: Record<string, unknown>): Account {
  const account = new Account();
  account.userId = row.user_id as string;
  account.realName = row.real_name as Account['realName'];
  account.subjectKind = row.subject_kind as Account['subjectKind'];
  account.verification = row.verification as Account['verification'];
  account.followerCount = Number(row.follower_count);
  account.category = row.category as Account['category'];
  account.notifiedAt = dateFromColumn(row.notified_at);
  account.notifiedStageId = row.notified_stage_id === null ? null : Number(row.notified_stage_id);
  account.consent = row.consent as Account['consent'];
  account.consentAt = dateFromColumn(row.consent_at);
  return account;
}

function rowParameters(account: Account): unknown[] {
  return [
    account.userId,
    account.realName,
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

/** One multi-row INSERT that updates the rows that exist: the accounts end up exactly as given. */
export async function upsertAccounts(manager: EntityManager, accounts: readonly Account[]): Promise<void> {
  if (accounts.length === 0) return;
  const mysql = ['mysql', 'mariadb'].includes(manager.connection.options.type);
  const updated = COLUMNS.slice(1);
  const onConflict = mysql
    ? `ON DUPLICATE KEY UPDATE ${updated.map((column) => `${column} = VALUES(${column})`).join(', ')}`
    : `ON CONFLICT (user_id) DO UPDATE SET ${updated.map((column) => `${column} = excluded.${column}`).join(', ')}`;
  const row = `(${placeholders(COLUMNS.length)})`;
  await manager.query(
    `INSERT INTO accounts (${COLUMNS.join(', ')}) VALUES ${new Array<string>(accounts.length).fill(row).join(', ')} ${onConflict}`,
    accounts.flatMap(rowParameters),
  );
}

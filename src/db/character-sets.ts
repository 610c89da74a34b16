// Every text column must store any Chinese text, characters outside the Basic Multilingual Plane included
// (𠮷): utf8mb4 on MySQL. A database created in another character set (latin1) got other columns from the
// first migrations, which a later migration converts; a column changed since is found at start-up, with the
// statement that fixes it, rather than by the first import that stops on "Incorrect string value".
import type { DataSource } from 'typeorm';
import { textColumnsNotInUtf8mb4 } from '../../migrations/dialect';
import { isMysql } from './dialect';

/**
 * The service's tables (a new table's migration adds it here), beside TypeORM's own migrations table. The
 * utf8mb4 migration (migrations/1795590000040-utf8mb4-everywhere.ts) keeps its own copy, as the list stood
 * then, on purpose: a migration never changes, and importing this growing list would have it convert tables
 * that the migrations after it have not made yet.
 */
export const SERVICE_TABLES = [
  'accounts',
  'policy_stages',
  'audit_log',
  'notification_outbox',
  'policy_changes',
  'post_ip_locations',
  'user_ip_locations',
] as const;

/** The schema has text columns that cannot store Chinese text: the service must not start on it. */
export class TextColumnsError extends Error {
  override name = 'TextColumnsError';
}

/**
 * Throws a TextColumnsError naming every text column of the service's tables that is not utf8mb4, and the
 * statements that convert them. Nothing to check on the embedded SQLite (its text is always UTF-8).
 */
export async function refuseTextColumnsNotInUtf8mb4(dataSource: DataSource): Promise<void> {
  if (!isMysql(dataSource.options)) return;
  const tables = [...SERVICE_TABLES, dataSource.options.migrationsTableName ?? 'migrations'];
  const columns = await textColumnsNotInUtf8mb4(dataSource, tables);
  if (columns.length === 0) return;
  const names = columns.map(({ table, column, charset }) => `${table}.${column} (${charset})`).join(', ');
  const fixes = columns.map(({ table, utf8mb4Definition }) => `ALTER TABLE \`${table}\` MODIFY ${utf8mb4Definition};`);
  throw new TextColumnsError(
    `the database cannot store Chinese text in ${names}: every text column must be utf8mb4. ` +
      `Convert ${columns.length === 1 ? 'it' : 'them'}: ${fixes.join(' ')}`,
  );
}

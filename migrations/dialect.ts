// Migrations run on MySQL/MariaDB in production and on the embedded SQLite (sql.js) in demo mode.
import { Table, type QueryRunner, type TableOptions } from 'typeorm';
import { isMysql as isMysqlDialect } from '../src/db/dialect';

export function isMysql(queryRunner: QueryRunner): boolean {
  return isMysqlDialect(queryRunner.connection.options);
}

/** What runs SQL: a migration's QueryRunner, or a DataSource (the start-up check). */
interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

interface ColumnRow {
  table: string;
  name: string;
  type: string;
  nullable: string;
  defaultValue: string | null;
  extra: string;
  charset: string;
  collation: string;
  comment: string;
}

/** A text column in another character set than utf8mb4, and its definition in utf8mb4. */
export interface NonUtf8mb4Column {
  table: string;
  column: string;
  charset: string;
  /** `col` type CHARACTER SET utf8mb4 [COLLATE utf8mb4_bin] NULL|NOT NULL [DEFAULT ...]: for MODIFY. */
  utf8mb4Definition: string;
}

function quoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A column's definition as it stands, with utf8mb4 for its character set (binary collations stay binary). */
function utf8mb4Definition(column: ColumnRow, mariadb: boolean): string {
  const collation = column.collation.endsWith('_bin') ? ' COLLATE utf8mb4_bin' : '';
  let definition = `\`${column.name}\` ${column.type} CHARACTER SET utf8mb4${collation}`;
  definition += column.nullable === 'YES' ? ' NULL' : ' NOT NULL';
  // MariaDB shows a default as SQL (a literal quoted, NULL as the word); MySQL shows a literal as its text,
  // and an expression as its text with DEFAULT_GENERATED.
  if (column.defaultValue !== null && !(mariadb && column.defaultValue === 'NULL')) {
    const value = mariadb
      ? column.defaultValue
      : /DEFAULT_GENERATED/i.test(column.extra)
        ? `(${column.defaultValue})`
        : quoted(column.defaultValue);
    definition += ` DEFAULT ${value}`;
  }
  if (column.comment !== '') definition += ` COMMENT ${quoted(column.comment)}`;
  return definition;
}

/** The text columns of these tables (of the current database) that are not utf8mb4. MySQL only. */
export async function textColumnsNotInUtf8mb4(
  runner: SqlRunner,
  tables: readonly string[],
): Promise<NonUtf8mb4Column[]> {
  if (tables.length === 0) return [];
  const rows = (await runner.query(
    `SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
            COLUMN_DEFAULT AS defaultValue, EXTRA AS extra, CHARACTER_SET_NAME AS charset,
            COLLATION_NAME AS collation, COLUMN_COMMENT AS comment
     FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${tables.map(() => '?').join(', ')})
       AND CHARACTER_SET_NAME IS NOT NULL AND CHARACTER_SET_NAME <> 'utf8mb4'
     ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [...tables],
  )) as ColumnRow[];
  if (rows.length === 0) return [];
  const [{ version }] = (await runner.query('SELECT VERSION() AS version')) as [{ version: string }];
  const mariadb = /mariadb/i.test(version);
  return rows.map((row) => ({
    table: row.table,
    column: row.name,
    charset: row.charset,
    utf8mb4Definition: utf8mb4Definition(row, mariadb),
  }));
}

/**
 * Makes a table utf8mb4 whatever the database's default: its default character set (for columns added
 * later) and every text column that is in another one (latin1, utf8mb3...), each keeping its type, NULL,
 * default and binary collation. A table already in utf8mb4 is left untouched (no table copy). MySQL only.
 */
export async function convertTableToUtf8mb4(queryRunner: QueryRunner, table: string): Promise<void> {
  const [tableRow] = (await queryRunner.query(
    `SELECT c.CHARACTER_SET_NAME AS charset FROM information_schema.TABLES t
     JOIN information_schema.COLLATION_CHARACTER_SET_APPLICABILITY c ON c.COLLATION_NAME = t.TABLE_COLLATION
     WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME = ?`,
    [table],
  )) as { charset: string }[];
  if (tableRow === undefined) return;
  const columns = await textColumnsNotInUtf8mb4(queryRunner, [table]);
  if (tableRow.charset === 'utf8mb4' && columns.length === 0) return;
  const changes = ['DEFAULT CHARACTER SET utf8mb4', ...columns.map((column) => `MODIFY ${column.utf8mb4Definition}`)];
  await queryRunner.query(`ALTER TABLE \`${table}\` ${changes.join(', ')}`);
}

/**
 * createTable, with its CHECK constraints enforced on both databases: TypeORM writes them into SQLite's
 * CREATE TABLE but silently drops them for MySQL, so there they are added afterwards. On MySQL the table is
 * utf8mb4 whatever the database's default (TypeORM has no table character set option).
 */
export async function createTableWithChecks(queryRunner: QueryRunner, options: TableOptions): Promise<void> {
  await queryRunner.createTable(new Table(options));
  if (!isMysql(queryRunner)) return;
  await convertTableToUtf8mb4(queryRunner, options.name);
  for (const check of options.checks ?? []) {
    await queryRunner.query(
      `ALTER TABLE \`${options.name}\` ADD CONSTRAINT \`${check.name}\` CHECK (${check.expression})`,
    );
  }
}

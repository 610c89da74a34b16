// Migrations run on MySQL/MariaDB in production and on the embedded SQLite (sql.js) in demo mode.
import { Table, type QueryRunner, type TableOptions } from 'typeorm';
import { isMysql as isMysqlDialect } from '../src/db/dialect';

export function isMysql(queryRunner: QueryRunner): boolean {
  return isMysqlDialect(queryRunner.connection.options);
}

/**
 * createTable, with its CHECK constraints enforced on both databases: TypeORM writes them into SQLite's
 * CREATE TABLE but silently drops them for MySQL, so there they are added afterwards.
 */
export async function createTableWithChecks(queryRunner: QueryRunner, options: TableOptions): Promise<void> {
  await queryRunner.createTable(new Table(options));
  if (!isMysql(queryRunner)) return;
  for (const check of options.checks ?? []) {
    await queryRunner.query(
      `ALTER TABLE \`${options.name}\` ADD CONSTRAINT \`${check.name}\` CHECK (${check.expression})`,
    );
  }
}

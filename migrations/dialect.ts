// Migrations run on MySQL/MariaDB in production and on the embedded SQLite (sql.js) in demo mode.
import type { QueryRunner } from 'typeorm';

export function isMysql(queryRunner: QueryRunner): boolean {
  const type = queryRunner.connection.options.type;
  return type === 'mysql' || type === 'mariadb';
}

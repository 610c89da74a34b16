// Every table utf8mb4, whatever the database's default. The first migrations set utf8mb4 on the ids and the
// real name only; on a database created in latin1 the other text columns (category, stage names, the audit's
// cause...) took latin1, and one Chinese category stopped a whole import. Here every text column not in
// utf8mb4 is converted (a table copy, for those tables only); a database created in utf8mb4 has none, and
// nothing is done to it. Tables made from now on are utf8mb4 from the start (createTableWithChecks).
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { convertTableToUtf8mb4, isMysql } from './dialect';

/** The tables of the service as the migrations before this one left them, and TypeORM's own. */
const TABLES = [
  'accounts',
  'policy_stages',
  'audit_log',
  'notification_outbox',
  'policy_changes',
  'post_ip_locations',
  'user_ip_locations',
];

export class Utf8mb4Everywhere1795590000040 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    if (!isMysql(queryRunner)) return; // SQLite's text is UTF-8 always
    const migrationsTable = queryRunner.connection.options.migrationsTableName ?? 'migrations';
    for (const table of [...TABLES, migrationsTable]) await convertTableToUtf8mb4(queryRunner, table);
  }

  async down(): Promise<void> {
    // Nothing to undo: utf8mb4 holds everything the other character sets did, and going back could lose text.
  }
}

// The keys of the events applied (processed_events.event_key, 128 bits of SHA-256 of an event's source and id)
// as 16 bytes rather than 32 hex characters: every event inserts one, and the primary key of a table that takes
// 20,000 rows a second is half the size (issue 20's throughput). The keys stored are converted, not lost: a
// redelivery straddling the upgrade is still recognized.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isMysql } from './dialect';

/** SQLite changes a primary key by rebuilding the table, the keys converted (unhex, or hex back). */
async function rebuildForSqlite(queryRunner: QueryRunner, keyType: string, converted: string): Promise<void> {
  await queryRunner.query(
    `CREATE TABLE processed_events_rebuilt (event_key ${keyType} PRIMARY KEY NOT NULL, processed_at datetime(3) NOT NULL)`,
  );
  await queryRunner.query(
    `INSERT INTO processed_events_rebuilt (event_key, processed_at) SELECT ${converted}, processed_at FROM processed_events`,
  );
  await queryRunner.query('DROP TABLE processed_events');
  await queryRunner.query('ALTER TABLE processed_events_rebuilt RENAME TO processed_events');
  await queryRunner.query('CREATE INDEX processed_events_at_idx ON processed_events (processed_at)');
}

export class BinaryEventKeys1795590000120 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    if (!isMysql(queryRunner)) return rebuildForSqlite(queryRunner, 'blob', 'unhex(event_key)');
    await queryRunner.query('ALTER TABLE processed_events ADD COLUMN event_key_bytes BINARY(16) NULL');
    await queryRunner.query('UPDATE processed_events SET event_key_bytes = UNHEX(event_key)');
    await queryRunner.query(
      'ALTER TABLE processed_events DROP PRIMARY KEY, DROP COLUMN event_key, ' +
        'CHANGE COLUMN event_key_bytes event_key BINARY(16) NOT NULL FIRST, ADD PRIMARY KEY (event_key)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (!isMysql(queryRunner)) return rebuildForSqlite(queryRunner, 'char(32)', 'lower(hex(event_key))');
    await queryRunner.query(
      'ALTER TABLE processed_events ADD COLUMN event_key_text CHAR(32) CHARACTER SET utf8mb4 NULL',
    );
    await queryRunner.query('UPDATE processed_events SET event_key_text = LOWER(HEX(event_key))');
    await queryRunner.query(
      'ALTER TABLE processed_events DROP PRIMARY KEY, DROP COLUMN event_key, ' +
        'CHANGE COLUMN event_key_text event_key CHAR(32) CHARACTER SET utf8mb4 NOT NULL FIRST, ADD PRIMARY KEY (event_key)',
    );
  }
}

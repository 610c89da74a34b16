// erasures: the tombstones of erased accounts, each a keyed pseudonym of the id (HMAC-SHA256 under
// PSEUDONYM_KEY) and the time, never the id: an import or an event for an erased id is skipped.
// audit_log.erased: the entry's user_id is an erased account's pseudonym, not an id.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createTableWithChecks, isMysql } from './dialect';

export class CreateErasures1795590000050 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysql(queryRunner);
    await createTableWithChecks(queryRunner, {
      name: 'erasures',
      columns: [
        {
          name: 'pseudonym',
          type: 'varchar',
          length: '64',
          isPrimary: true,
          ...(mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}),
        },
        { name: 'erased_at', type: 'datetime', precision: 3 },
      ],
      ...(mysql ? { engine: 'InnoDB' } : {}),
    });
    await queryRunner.addColumn('audit_log', new TableColumn({ name: 'erased', type: 'boolean', default: 0 }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('audit_log', 'erased');
    await queryRunner.dropTable('erasures');
  }
}

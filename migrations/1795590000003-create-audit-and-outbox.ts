// audit_log: every change of an account's disclosure state, append-only, never the real name itself.
// notification_outbox: what the platform's messaging service must tell an account (notice given, notice
// withdrawn), written in the same transaction as the change it announces.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableWithChecks, isMysql } from './dialect';

export class CreateAuditAndOutbox1795590000003 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysql(queryRunner);
    const userIdColumn = {
      name: 'user_id',
      type: 'varchar',
      length: '64',
      ...(mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}),
    };
    const id = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment' as const,
    };
    await createTableWithChecks(queryRunner, {
      name: 'audit_log',
      columns: [
        id,
        userIdColumn,
        { name: 'at', type: 'datetime', precision: 3 },
        { name: 'event', type: 'varchar', length: '32' },
        { name: 'old_status', type: 'varchar', length: '16' },
        { name: 'new_status', type: 'varchar', length: '16' },
        { name: 'cause', type: 'varchar', length: '255' },
      ],
      indices: [{ name: 'audit_log_user_idx', columnNames: ['user_id', 'id'] }],
      ...(mysql ? { engine: 'InnoDB' } : {}),
    });
    await createTableWithChecks(queryRunner, {
      name: 'notification_outbox',
      columns: [
        id,
        userIdColumn,
        { name: 'kind', type: 'varchar', length: '16' },
        { name: 'stage_name', type: 'varchar', length: '64', isNullable: true },
        { name: 'notice_deadline', type: 'datetime', precision: 3, isNullable: true },
        { name: 'created_at', type: 'datetime', precision: 3 },
        { name: 'delivered_at', type: 'datetime', precision: 3, isNullable: true },
      ],
      checks: [{ name: 'notification_outbox_kind', expression: "kind IN ('NOTICE', 'NOTICE_WITHDRAWN')" }],
      indices: [{ name: 'notification_outbox_pending_idx', columnNames: ['delivered_at', 'id'] }],
      ...(mysql ? { engine: 'InnoDB' } : {}),
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('notification_outbox');
    await queryRunner.dropTable('audit_log');
  }
}

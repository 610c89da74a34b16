// The accounts table: one row per platform account the disclosure policy may apply to.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableWithChecks, isMysql } from './dialect';

export class CreateAccounts1795590000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysql(queryRunner);
    await createTableWithChecks(queryRunner, {
      name: 'accounts',
      columns: [
        // Platform ids are opaque: compare them byte for byte, never case-insensitively.
        {
          name: 'user_id',
          type: 'varchar',
          length: '64',
          isPrimary: true,
          ...(mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}),
        },
        {
          name: 'real_name',
          type: 'varchar',
          length: '255',
          isNullable: true,
          ...(mysql ? { charset: 'utf8mb4' } : {}),
        },
        { name: 'subject_kind', type: 'varchar', length: '16', isNullable: true },
        { name: 'verification', type: 'varchar', length: '16', default: "'UNVERIFIED'" },
        { name: 'follower_count', type: 'int', default: 0 },
        { name: 'category', type: 'varchar', length: '64', isNullable: true },
        { name: 'notified_at', type: 'datetime', precision: 3, isNullable: true },
        { name: 'consent', type: 'varchar', length: '8', default: "'NONE'" },
        { name: 'consent_at', type: 'datetime', precision: 3, isNullable: true },
      ],
      checks: [
        {
          name: 'accounts_subject_kind',
          expression: "subject_kind IS NULL OR subject_kind IN ('INDIVIDUAL', 'ORGANIZATION')",
        },
        { name: 'accounts_verification', expression: "verification IN ('VERIFIED', 'UNVERIFIED', 'REVOKED')" },
        { name: 'accounts_consent', expression: "consent IN ('YES', 'NO', 'NONE')" },
        { name: 'accounts_follower_count', expression: 'follower_count >= 0' },
      ],
      // Finding the accounts above a threshold (notification runs) must not scan the table.
      indices: [{ name: 'accounts_follower_count_idx', columnNames: ['follower_count'] }],
      ...(mysql ? { engine: 'InnoDB' } : {}),
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('accounts');
  }
}

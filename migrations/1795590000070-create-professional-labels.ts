// qualifications: each account's professional credentials (field, title, issuer, when verified, when they
// expire); a revoked one is deleted. mcn_agencies: the MCN agency each account is run by, if any.
// label_changes: the audit of both (granted, renewed, updated, revoked; joined, left), kept like audit_log,
// under the account's pseudonym once it is erased.
import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';
import { createTableWithChecks, isMysql } from './dialect';

const FIELDS = "('FINANCE', 'EDUCATION', 'MEDICAL', 'LAW')";

export class CreateProfessionalLabels1795590000070 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysql(queryRunner);
    // Ids and titles are compared byte for byte, as accounts.user_id is: "Doctor" and "doctor" are two titles.
    const exact = mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {};
    const text = mysql ? { charset: 'utf8mb4' } : {};
    const userId: TableColumnOptions = { name: 'user_id', type: 'varchar', length: '64', ...exact };
    const engine = mysql ? { engine: 'InnoDB' } : {};
    await createTableWithChecks(queryRunner, {
      name: 'qualifications',
      columns: [
        { ...userId, isPrimary: true },
        { name: 'field', type: 'varchar', length: '16', isPrimary: true },
        { name: 'title', type: 'varchar', length: '64', isPrimary: true, ...exact },
        { name: 'issuer', type: 'varchar', length: '128', isNullable: true, ...text },
        { name: 'verified_at', type: 'datetime', precision: 3 },
        { name: 'expires_at', type: 'datetime', precision: 3, isNullable: true },
      ],
      checks: [
        { name: 'qualifications_field', expression: `field IN ${FIELDS}` },
        { name: 'qualifications_expiry', expression: 'expires_at IS NULL OR expires_at > verified_at' },
      ],
      ...engine,
    });
    await createTableWithChecks(queryRunner, {
      name: 'mcn_agencies',
      columns: [
        { ...userId, isPrimary: true },
        { name: 'name', type: 'varchar', length: '128', ...text },
        { name: 'since', type: 'datetime', precision: 3 },
      ],
      ...engine,
    });
    await createTableWithChecks(queryRunner, {
      name: 'label_changes',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        userId,
        { name: 'erased', type: 'boolean', default: 0 },
        { name: 'at', type: 'datetime', precision: 3 },
        { name: 'event', type: 'varchar', length: '32' },
        { name: 'field', type: 'varchar', length: '16', isNullable: true },
        { name: 'title', type: 'varchar', length: '64', isNullable: true, ...text },
        { name: 'issuer', type: 'varchar', length: '128', isNullable: true, ...text },
        { name: 'verified_at', type: 'datetime', precision: 3, isNullable: true },
        { name: 'expires_at', type: 'datetime', precision: 3, isNullable: true },
        { name: 'agency', type: 'varchar', length: '128', isNullable: true, ...text },
        { name: 'cause', type: 'varchar', length: '255' },
      ],
      checks: [
        {
          name: 'label_changes_event',
          expression:
            "event IN ('QUALIFICATION_GRANTED', 'QUALIFICATION_RENEWED', 'QUALIFICATION_UPDATED', " +
            "'QUALIFICATION_REVOKED', 'MCN_JOINED', 'MCN_LEFT')",
        },
      ],
      indices: [
        { name: 'label_changes_user_idx', columnNames: ['user_id', 'id'] },
        { name: 'label_changes_at_idx', columnNames: ['at'] },
      ],
      ...engine,
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('label_changes');
    await queryRunner.dropTable('mcn_agencies');
    await queryRunner.dropTable('qualifications');
  }
}

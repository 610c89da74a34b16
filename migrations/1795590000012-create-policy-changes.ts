// policy_changes: every change of the policy itself (a stage added, retired or removed), append-only, with
// the stage as it stood, so that what was in force when can always be told.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableWithChecks, isMysql } from './dialect';

export class CreatePolicyChanges1795590000012 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await createTableWithChecks(queryRunner, {
      name: 'policy_changes',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'at', type: 'datetime', precision: 3 },
        { name: 'action', type: 'varchar', length: '16' },
        { name: 'stage_name', type: 'varchar', length: '64' },
        // The stage's fields after the change, as JSON.
        { name: 'stage', type: 'text' },
        { name: 'cause', type: 'varchar', length: '255' },
      ],
      checks: [{ name: 'policy_changes_action', expression: "action IN ('ADDED', 'RETIRED', 'REMOVED')" }],
      ...(isMysql(queryRunner) ? { engine: 'InnoDB' } : {}),
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('policy_changes');
  }
}

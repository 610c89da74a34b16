// The policy_stages table: the regulation's stages, as data.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableWithChecks, isMysql } from './dialect';

export class CreatePolicyStages1795590000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await createTableWithChecks(queryRunner, {
      name: 'policy_stages',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'name', type: 'varchar', length: '64', isUnique: true },
        { name: 'min_followers', type: 'int' },
        // A JSON array of categories; NULL means every category.
        { name: 'categories', type: 'text', isNullable: true },
        { name: 'effective_from', type: 'datetime', precision: 3 },
        { name: 'notice_days', type: 'int' },
        { name: 'mode', type: 'varchar', length: '16', default: "'CONSENT'" },
      ],
      checks: [
        { name: 'policy_stages_mode', expression: "mode IN ('CONSENT', 'MANDATORY')" },
        { name: 'policy_stages_min_followers', expression: 'min_followers >= 0' },
        { name: 'policy_stages_notice_days', expression: 'notice_days >= 0' },
      ],
      ...(isMysql(queryRunner) ? { engine: 'InnoDB' } : {}),
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('policy_stages');
  }
}

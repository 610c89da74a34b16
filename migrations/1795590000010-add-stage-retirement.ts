// A stage in force can be retired: from `retired_at` on it governs nobody. A stage that was in force stays in
// the table as history (accounts were notified under it); retiring it is how a stage that is too wide is undone.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class AddStageRetirement1795590000010 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'policy_stages',
      new TableColumn({ name: 'retired_at', type: 'datetime', precision: 3, isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('policy_stages', 'retired_at');
  }
}

// The stage an audit entry happened under: two notices under two stages are two different facts, and the
// audit must tell them apart.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class AddAuditStage1795590000011 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'audit_log',
      new TableColumn({ name: 'stage_name', type: 'varchar', length: '64', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('audit_log', 'stage_name');
  }
}

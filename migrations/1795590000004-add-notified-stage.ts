// Which stage an account was notified under: its notice deadline and its hysteresis margin belong to that
// stage alone. Without it, a margin earned under one stage let an account fall under a stricter stage it
// never reached, and a newly added stage could disclose on an old notice nobody was told about.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class AddNotifiedStage1795590000004 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'accounts',
      new TableColumn({ name: 'notified_stage_id', type: 'int', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('accounts', 'notified_stage_id');
  }
}

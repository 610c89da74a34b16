// A notice deadline passing moves a label with no write (NOTICE becomes REFUSED and restricted, or DISCLOSED):
// notify announces it in the outbox once per notice. accounts.deadline_announced_for holds the notified_at of
// the notice whose deadline was announced, so that a notice given again (another notified_at) is due in its
// turn, and nothing else has to clear it. The index finds, per stage, the notices old enough to have run out.
// After this migration the first notify run announces, once, the deadlines that had passed before it.
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class AddDeadlineAnnounced1795590000100 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'accounts',
      new TableColumn({ name: 'deadline_announced_for', type: 'datetime', precision: 3, isNullable: true }),
    );
    await queryRunner.createIndex(
      'accounts',
      new TableIndex({ name: 'accounts_notice_idx', columnNames: ['notified_stage_id', 'notified_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('accounts', 'accounts_notice_idx');
    await queryRunner.dropColumn('accounts', 'deadline_announced_for');
  }
}

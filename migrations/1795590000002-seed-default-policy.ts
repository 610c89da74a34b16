// The regulation as first published: accounts with 1,000,000 followers, then 500,000, every category,
// disclosure on consent. Dates are midnight in Beijing (UTC+8), where the rule applies.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const DEFAULT_STAGES = [
  { name: 'initial', minFollowers: 1_000_000, effectiveFrom: '2023-10-31T00:00:00+08:00', noticeDays: 13 },
  { name: 'expanded', minFollowers: 500_000, effectiveFrom: '2023-12-22T00:00:00+08:00', noticeDays: 9 },
];

/** '2023-10-30 16:00:00.000': a UTC datetime literal that both MySQL and SQLite store as written. */
function utcDatetime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace('Z', '');
}

export class SeedDefaultPolicy1795590000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const stage of DEFAULT_STAGES) {
      await queryRunner.query(
        'INSERT INTO policy_stages (name, min_followers, categories, effective_from, notice_days, mode) VALUES (?, ?, NULL, ?, ?, ?)',
        [stage.name, stage.minFollowers, utcDatetime(stage.effectiveFrom), stage.noticeDays, 'CONSENT'],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const stage of DEFAULT_STAGES) {
      await queryRunner.query('DELETE FROM policy_stages WHERE name = ?', [stage.name]);
    }
  }
}

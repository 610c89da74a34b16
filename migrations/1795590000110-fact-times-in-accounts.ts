// The observedAt of an account's follower count and verification (docs/events.md) move from
// account_fact_times into the account row itself: an event batch reads and locks its accounts once and writes
// them once, instead of reading and writing a second table beside them (issue 20's throughput). The times are
// copied over, then the table goes. An account with times always had a row: an event that observes a fact
// stores the account with it.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createTableWithChecks, isMysql } from './dialect';

const TIMES = ['followers_observed_at', 'verification_observed_at'] as const;

export class FactTimesInAccounts1795590000110 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns(
      'accounts',
      TIMES.map((name) => new TableColumn({ name, type: 'datetime', precision: 3, isNullable: true })),
    );
    // Correlated subqueries: the one UPDATE both MySQL and SQLite accept.
    const copied = TIMES.map(
      (column) => `${column} = (SELECT t.${column} FROM account_fact_times t WHERE t.user_id = accounts.user_id)`,
    );
    await queryRunner.query(
      `UPDATE accounts SET ${copied.join(', ')} WHERE user_id IN (SELECT user_id FROM account_fact_times)`,
    );
    await queryRunner.dropTable('account_fact_times');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const exact = isMysql(queryRunner) ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {};
    await createTableWithChecks(queryRunner, {
      name: 'account_fact_times',
      columns: [
        { name: 'user_id', type: 'varchar', length: '64', isPrimary: true, ...exact },
        ...TIMES.map((name) => ({ name, type: 'datetime', precision: 3, isNullable: true })),
      ],
      ...(isMysql(queryRunner) ? { engine: 'InnoDB' } : {}),
    });
    await queryRunner.query(
      `INSERT INTO account_fact_times (user_id, ${TIMES.join(', ')}) SELECT user_id, ${TIMES.join(', ')} FROM accounts ` +
        `WHERE ${TIMES.map((column) => `${column} IS NOT NULL`).join(' OR ')}`,
    );
    for (const column of TIMES) await queryRunner.dropColumn('accounts', column);
  }
}

// professional_fact_times: per account, when each of its professional facts was last observed by an event
// (user.qualification.changed: a credential, by field and title; user.mcn.changed: its MCN agency), so that an
// event older than what is stored changes nothing, as account_fact_times does for the follower count and the
// verification. A revoked credential's time stays: a grant observed before the revocation is stale. Erased
// with the account.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableWithChecks, isMysql } from './dialect';

export class CreateProfessionalFactTimes1795590000090 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysql(queryRunner);
    // Compared byte for byte, as the ids and titles they name are.
    const exact = mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {};
    await createTableWithChecks(queryRunner, {
      name: 'professional_fact_times',
      columns: [
        { name: 'user_id', type: 'varchar', length: '64', isPrimary: true, ...exact },
        // `mcn`, or `credential:FIELD:title` (a title is at most 64 characters).
        { name: 'fact', type: 'varchar', length: '96', isPrimary: true, ...exact },
        { name: 'observed_at', type: 'datetime', precision: 3 },
      ],
      ...(mysql ? { engine: 'InnoDB' } : {}),
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('professional_fact_times');
  }
}

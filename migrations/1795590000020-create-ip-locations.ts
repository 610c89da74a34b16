// post_ip_locations: where each post was made from, recorded once when it is posted.
// user_ip_locations: each account's most recent of those, so that a profile is read with one key lookup.
// Only codes and a time are stored: never the IP address, not even hashed.
import type { MigrationInterface, QueryRunner, TableCheckOptions } from 'typeorm';
import { createTableWithChecks, isMysql } from './dialect';

export class CreateIpLocations1795590000020 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysql(queryRunner);
    // Ids are opaque: compared byte for byte, as accounts.user_id is.
    const id = (name: string) => ({
      name,
      type: 'varchar',
      length: '64',
      ...(mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}),
    });
    const place = [
      { name: 'country_code', type: 'varchar', length: '2', isNullable: true },
      { name: 'region_code', type: 'varchar', length: '6', isNullable: true },
      { name: 'recorded_at', type: 'datetime', precision: 3 },
    ];
    const checks = (table: string): TableCheckOptions[] => [
      { name: `${table}_country`, expression: 'country_code IS NULL OR length(country_code) = 2' },
      // Provinces are recorded for mainland China only.
      { name: `${table}_region`, expression: "region_code IS NULL OR country_code = 'CN'" },
    ];
    await createTableWithChecks(queryRunner, {
      name: 'post_ip_locations',
      columns: [{ ...id('post_id'), isPrimary: true }, id('user_id'), ...place],
      checks: checks('post_ip_locations'),
      ...(mysql ? { engine: 'InnoDB' } : {}),
    });
    await createTableWithChecks(queryRunner, {
      name: 'user_ip_locations',
      // post_id: the post the location came from; it breaks ties between posts made in the same millisecond.
      columns: [{ ...id('user_id'), isPrimary: true }, id('post_id'), ...place],
      checks: checks('user_ip_locations'),
      ...(mysql ? { engine: 'InnoDB' } : {}),
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_ip_locations');
    await queryRunner.dropTable('post_ip_locations');
  }
}

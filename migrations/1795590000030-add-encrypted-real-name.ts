// Real names encrypted at rest (src/crypto/real-name-cipher.ts) get a column of their own. Adding a nullable
// column is instant on MariaDB 10.3+ and MySQL 8, where changing real_name's type in place would copy the
// whole table under lock; a CHECK that only one of the two is set would copy it too, so the code holds that
// rule: every write sets both columns in one statement. `identity-labels keys encrypt` moves the rows across.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { isMysql } from './dialect';

export class AddEncryptedRealName1795590000030 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysql(queryRunner);
    await queryRunner.addColumn(
      'accounts',
      new TableColumn({
        name: 'real_name_encrypted',
        // A 255-character name encrypts to at most ~830 bytes (MAX_ENCRYPTED_BYTES is 1024).
        type: mysql ? 'varbinary' : 'blob',
        ...(mysql ? { length: '1024' } : {}),
        isNullable: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const [{ encrypted }] = (await queryRunner.query(
      'SELECT COUNT(*) AS encrypted FROM accounts WHERE real_name_encrypted IS NOT NULL',
    )) as [{ encrypted: number | string }];
    if (Number(encrypted) > 0) {
      throw new Error(
        `${encrypted} real names are encrypted: dropping real_name_encrypted would lose them (import them again as plain text first)`,
      );
    }
    await queryRunner.dropColumn('accounts', 'real_name_encrypted');
  }
}

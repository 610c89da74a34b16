// The platform's events (docs/events.md), applied exactly once in effect:
// processed_events: the keys of the events already applied (a hash of source and id), so that a redelivered
//   or duplicated event changes nothing; purged after EVENTS_DEDUP_RETENTION_DAYS.
// account_fact_times: per account, the observedAt of the follower count and of the verification last
//   applied, so that an event older than what is stored changes nothing. Erased with the account.
// deleted_posts: the ids of posts deleted by an event, so that a post.created delivered after its
//   post.deleted records nothing; purged with processed_events. A post id only, never its author.
// notification_outbox: also LABEL_CHANGED entries (identity.label.changed), with the status and `restricted`.
import { TableCheck, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createTableWithChecks, isMysql } from './dialect';

const OLD_KINDS = "kind IN ('NOTICE', 'NOTICE_WITHDRAWN')";
const NEW_KINDS = "kind IN ('NOTICE', 'NOTICE_WITHDRAWN', 'LABEL_CHANGED')";

async function replaceKindCheck(queryRunner: QueryRunner, expression: string): Promise<void> {
  if (isMysql(queryRunner)) {
    // TypeORM's MySQL driver does not manage CHECK constraints: they were added by hand (createTableWithChecks).
    await queryRunner.query('ALTER TABLE `notification_outbox` DROP CONSTRAINT `notification_outbox_kind`');
    await queryRunner.query(
      `ALTER TABLE \`notification_outbox\` ADD CONSTRAINT \`notification_outbox_kind\` CHECK (${expression})`,
    );
    return;
  }
  await queryRunner.dropCheckConstraint('notification_outbox', 'notification_outbox_kind');
  await queryRunner.createCheckConstraint(
    'notification_outbox',
    new TableCheck({ name: 'notification_outbox_kind', expression }),
  );
}

export class CreateEventTables1795590000080 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = isMysql(queryRunner);
    const binary = mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {};
    const id = (name: string) => ({ name, type: 'varchar', length: '64', ...binary });
    const engine = mysql ? { engine: 'InnoDB' } : {};
    await createTableWithChecks(queryRunner, {
      name: 'processed_events',
      columns: [
        { name: 'event_key', type: 'char', length: '32', isPrimary: true, ...(mysql ? { charset: 'ascii' } : {}) },
        { name: 'processed_at', type: 'datetime', precision: 3 },
      ],
      indices: [{ name: 'processed_events_at_idx', columnNames: ['processed_at'] }],
      ...engine,
    });
    await createTableWithChecks(queryRunner, {
      name: 'account_fact_times',
      columns: [
        { ...id('user_id'), isPrimary: true },
        { name: 'followers_observed_at', type: 'datetime', precision: 3, isNullable: true },
        { name: 'verification_observed_at', type: 'datetime', precision: 3, isNullable: true },
      ],
      ...engine,
    });
    await createTableWithChecks(queryRunner, {
      name: 'deleted_posts',
      columns: [
        { ...id('post_id'), isPrimary: true },
        { name: 'deleted_at', type: 'datetime', precision: 3 },
      ],
      indices: [{ name: 'deleted_posts_at_idx', columnNames: ['deleted_at'] }],
      ...engine,
    });
    await queryRunner.addColumns('notification_outbox', [
      new TableColumn({ name: 'status', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'restricted', type: 'boolean', isNullable: true }),
    ]);
    await replaceKindCheck(queryRunner, NEW_KINDS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM notification_outbox WHERE kind = 'LABEL_CHANGED'");
    await replaceKindCheck(queryRunner, OLD_KINDS);
    await queryRunner.dropColumn('notification_outbox', 'restricted');
    await queryRunner.dropColumn('notification_outbox', 'status');
    await queryRunner.dropTable('deleted_posts');
    await queryRunner.dropTable('account_fact_times');
    await queryRunner.dropTable('processed_events');
  }
}

// Deleting what is kept no longer: audit entries (audit_log, label_changes) past their retention, notices
// delivered long enough ago.
// A batch of ids at a time, each batch its own statement, so that a large purge never holds many locks.
import type { EntityManager } from 'typeorm';
import { datetimeParameter, placeholders } from './account-rows';

export type ExpiringTable =
  'audit_log' | 'label_changes' | 'notification_outbox' | 'processed_events' | 'deleted_posts';

/** Each table's key and the time its rows expire by. */
const EXPIRES_BY: Record<ExpiringTable, { key: string; time: string }> = {
  audit_log: { key: 'id', time: 'at' },
  label_changes: { key: 'id', time: 'at' },
  notification_outbox: { key: 'id', time: 'delivered_at' },
  processed_events: { key: 'event_key', time: 'processed_at' },
  deleted_posts: { key: 'post_id', time: 'deleted_at' },
};

/** Deletes up to `limit` rows whose time is before `before`; returns how many it deleted. */
export async function deleteExpiredBatch(
  manager: EntityManager,
  table: ExpiringTable,
  before: Date,
  limit: number,
): Promise<number> {
  const { key, time } = EXPIRES_BY[table];
  const ids = (
    (await manager.query(`SELECT ${key} AS id FROM ${table} WHERE ${time} < ? ORDER BY ${key} LIMIT ?`, [
      datetimeParameter(before),
      limit,
    ])) as { id: number | string }[]
  ).map((row) => row.id);
  if (ids.length === 0) return 0;
  await manager.query(`DELETE FROM ${table} WHERE ${key} IN (${placeholders(ids.length)})`, ids);
  return ids.length;
}

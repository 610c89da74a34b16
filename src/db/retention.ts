// Deleting what is kept no longer: audit entries (audit_log, label_changes) past their retention, notices
// delivered long enough ago.
// A batch of ids at a time, each batch its own statement, so that a large purge never holds many locks.
import type { EntityManager } from 'typeorm';
import { datetimeParameter, placeholders } from './account-rows';

export type ExpiringTable = 'audit_log' | 'label_changes' | 'notification_outbox';

const EXPIRES_BY: Record<ExpiringTable, string> = {
  audit_log: 'at',
  label_changes: 'at',
  notification_outbox: 'delivered_at',
};

/** Deletes up to `limit` rows whose time is before `before`; returns how many it deleted. */
export async function deleteExpiredBatch(
  manager: EntityManager,
  table: ExpiringTable,
  before: Date,
  limit: number,
): Promise<number> {
  const column = EXPIRES_BY[table];
  const ids = (
    (await manager.query(`SELECT id FROM ${table} WHERE ${column} < ? ORDER BY id LIMIT ?`, [
      datetimeParameter(before),
      limit,
    ])) as { id: number }[]
  ).map((row) => row.id);
  if (ids.length === 0) return 0;
  await manager.query(`DELETE FROM ${table} WHERE id IN (${placeholders(ids.length)})`, ids);
  return ids.length;
}

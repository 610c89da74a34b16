// The notices whose deadline passed with no write (notify/announce-deadlines.ts), in plain SQL both MySQL and
// SQLite accept: which accounts hold one not announced yet, and the mark that it was. The mark is the
// notified_at of the notice announced (accounts.deadline_announced_for): a notice given again is due in its turn.
import type { EntityManager } from 'typeorm';
import { datetimeParameter, placeholders, type SqlRunner } from './account-rows';

/**
 * Up to `limit` accounts notified under the stage at `notifiedBy` or before, whose notice's deadline was not
 * announced, after `after` in user-id order.
 */
export async function unannouncedNotices(
  database: SqlRunner,
  query: { stageId: number; notifiedBy: Date; after: string; limit: number },
): Promise<string[]> {
  const rows = (await database.query(
    'SELECT user_id FROM accounts WHERE notified_stage_id = ? AND notified_at <= ? ' +
      'AND (deadline_announced_for IS NULL OR deadline_announced_for <> notified_at) AND user_id > ? ' +
      `ORDER BY user_id LIMIT ${Math.trunc(query.limit)}`,
    [query.stageId, datetimeParameter(query.notifiedBy), query.after],
  )) as { user_id: string }[];
  return rows.map((row) => row.user_id);
}

/** Those of the accounts (locked by the caller) whose current notice's deadline was announced. */
export async function announcedAmong(manager: EntityManager, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = (await manager.query(
    `SELECT user_id FROM accounts WHERE user_id IN (${placeholders(userIds.length)}) ` +
      'AND deadline_announced_for = notified_at',
    [...userIds],
  )) as { user_id: string }[];
  return new Set(rows.map((row) => row.user_id));
}

/** Marks the accounts' current notices as announced. */
export async function markAnnounced(manager: EntityManager, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await manager.query(
    `UPDATE accounts SET deadline_announced_for = notified_at WHERE user_id IN (${placeholders(userIds.length)})`,
    [...[...userIds].sort()],
  );
}

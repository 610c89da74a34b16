// What the event consumer remembers, in the caller's transaction, in plain SQL both MySQL and SQLite accept:
// the keys of the events applied (a duplicate changes nothing), when each account's facts were last observed
// (an older event changes nothing), and the posts deleted (a post.created that arrives late records nothing).
import type { EntityManager } from 'typeorm';
import { WriteConflict } from './database-errors';
import { dateFromColumn, datetimeParameter, placeholders } from './account-rows';
import { isMysql } from './dialect';
import { errorCodeOf } from '../errors';

/** The facts an event observes at a time of its own. */
export type ObservedFact = 'followers' | 'verification';

export interface FactTimes {
  followers: Date | null;
  verification: Date | null;
}

function values(rows: number, columns: number): string {
  return new Array<string>(rows).fill(`(${placeholders(columns)})`).join(', ');
}

function forUpdate(manager: EntityManager): string {
  return isMysql(manager.connection.options) ? ' FOR UPDATE' : '';
}

/** Those of `keys` already applied. */
export async function processedAmong(manager: EntityManager, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = (await manager.query(
    `SELECT event_key FROM processed_events WHERE event_key IN (${placeholders(keys.length)})${forUpdate(manager)}`,
    [...keys],
  )) as { event_key: string }[];
  return new Set(rows.map((row) => row.event_key));
}

/**
 * Remembers the keys as applied. One inserted meanwhile by another instance (a redelivery racing this one)
 * is a WriteConflict: the transaction runs again, and finds it applied.
 */
export async function rememberProcessed(manager: EntityManager, keys: readonly string[], at: Date): Promise<void> {
  if (keys.length === 0) return;
  const time = datetimeParameter(at);
  try {
    await manager.query(
      `INSERT INTO processed_events (event_key, processed_at) VALUES ${values(keys.length, 2)}`,
      keys.flatMap((key) => [key, time]),
    );
  } catch (error) {
    const code = errorCodeOf(error);
    if (code === 'ER_DUP_ENTRY' || /UNIQUE constraint/.test(String(error))) {
      throw new WriteConflict('an event was applied concurrently');
    }
    throw error;
  }
}

/** The accounts' fact times, locked until the transaction ends (in user-id order, as accounts are). */
export async function lockFactTimes(
  manager: EntityManager,
  userIds: readonly string[],
): Promise<Map<string, FactTimes>> {
  if (userIds.length === 0) return new Map();
  const sorted = [...userIds].sort();
  const rows = (await manager.query(
    `SELECT user_id, followers_observed_at, verification_observed_at FROM account_fact_times ` +
      `WHERE user_id IN (${placeholders(sorted.length)})${forUpdate(manager)}`,
    sorted,
  )) as {
    user_id: string;
    followers_observed_at: Date | string | null;
    verification_observed_at: Date | string | null;
  }[];
  return new Map(
    rows.map((row) => [
      row.user_id,
      {
        followers: dateFromColumn(row.followers_observed_at),
        verification: dateFromColumn(row.verification_observed_at),
      },
    ]),
  );
}

/** Stores the accounts' fact times as given (one multi-row upsert). */
export async function storeFactTimes(manager: EntityManager, times: ReadonlyMap<string, FactTimes>): Promise<void> {
  if (times.size === 0) return;
  const rows = [...times].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const update = isMysql(manager.connection.options)
    ? 'ON DUPLICATE KEY UPDATE followers_observed_at = VALUES(followers_observed_at), ' +
      'verification_observed_at = VALUES(verification_observed_at)'
    : 'ON CONFLICT (user_id) DO UPDATE SET followers_observed_at = excluded.followers_observed_at, ' +
      'verification_observed_at = excluded.verification_observed_at';
  await manager.query(
    `INSERT INTO account_fact_times (user_id, followers_observed_at, verification_observed_at) VALUES ${values(rows.length, 3)} ${update}`,
    rows.flatMap(([userId, time]) => [userId, datetimeParameter(time.followers), datetimeParameter(time.verification)]),
  );
}

/** Remembers the posts as deleted; one remembered before keeps its first time. */
export async function rememberDeletedPosts(
  manager: EntityManager,
  postIds: readonly string[],
  at: Date,
): Promise<void> {
  if (postIds.length === 0) return;
  const insert = isMysql(manager.connection.options) ? 'INSERT IGNORE INTO' : 'INSERT OR IGNORE INTO';
  const time = datetimeParameter(at);
  await manager.query(
    `${insert} deleted_posts (post_id, deleted_at) VALUES ${values(postIds.length, 2)}`,
    [...postIds].sort().flatMap((postId) => [postId, time]),
  );
}

/** Those of `postIds` deleted before. */
export async function deletedPostsAmong(manager: EntityManager, postIds: readonly string[]): Promise<Set<string>> {
  if (postIds.length === 0) return new Set();
  const rows = (await manager.query(
    `SELECT post_id FROM deleted_posts WHERE post_id IN (${placeholders(postIds.length)})`,
    [...postIds],
  )) as { post_id: string }[];
  return new Set(rows.map((row) => row.post_id));
}

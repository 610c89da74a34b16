// What the event consumer remembers, in the caller's transaction, in plain SQL both MySQL and SQLite accept:
// the keys of the events applied (a duplicate changes nothing), when each account's professional labels were
// last observed (an older event changes nothing; the follower count's and the verification's times are in the
// account row, account-rows.ts), and the posts deleted (a post.created that arrives late records nothing).
import type { EntityManager } from 'typeorm';
import { WriteConflict } from './database-errors';
import { dateFromColumn, datetimeParameter, placeholders } from './account-rows';
import { isMysql } from './dialect';
import { errorCodeOf } from '../errors';

function values(rows: number, columns: number): string {
  return new Array<string>(rows).fill(`(${placeholders(columns)})`).join(', ');
}

function forUpdate(manager: EntityManager): string {
  return isMysql(manager.connection.options) ? ' FOR UPDATE' : '';
}

/** An INSERT whose duplicate key means another writer got there first: a WriteConflict (the transaction runs again). */
async function insertFirst(manager: EntityManager, sql: string, parameters: unknown[], conflict: string) {
  try {
    await manager.query(sql, parameters);
  } catch (error) {
    if (errorCodeOf(error) === 'ER_DUP_ENTRY' || /UNIQUE constraint/.test(String(error))) {
      throw new WriteConflict(conflict);
    }
    throw error;
  }
}

/** An event key (32 hex characters) as stored: its 16 bytes. */
const keyBytes = (key: string) => Buffer.from(key, 'hex');

/** Those of `keys` already applied. */
export async function processedAmong(manager: EntityManager, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = (await manager.query(
    `SELECT event_key FROM processed_events WHERE event_key IN (${placeholders(keys.length)})${forUpdate(manager)}`,
    keys.map(keyBytes),
  )) as { event_key: Uint8Array }[];
  return new Set(rows.map((row) => Buffer.from(row.event_key).toString('hex')));
}

/**
 * Remembers the keys as applied. One inserted meanwhile by another instance (a redelivery racing this one)
 * is a WriteConflict: the transaction runs again, and finds it applied.
 */
export async function rememberProcessed(manager: EntityManager, keys: readonly string[], at: Date): Promise<void> {
  if (keys.length === 0) return;
  const time = datetimeParameter(at);
  await insertFirst(
    manager,
    `INSERT INTO processed_events (event_key, processed_at) VALUES ${values(keys.length, 2)}`,
    keys.flatMap((key) => [keyBytes(key), time]),
    'an event was applied concurrently',
  );
}

/** When one professional fact of an account was last observed: `mcn`, or `credential:FIELD:title`. */
export interface ProfessionalFactTime {
  userId: string;
  fact: string;
  observedAt: Date;
}

/**
 * The accounts' professional fact times, each row locked until the transaction ends (in one order for every
 * writer). A fact with no row takes no lock (READ COMMITTED): storeProfessionalFactTimes inserts it, and fails
 * with a WriteConflict when another writer got there first, so that the transaction runs again and sees it.
 */
export async function lockProfessionalFactTimes(
  manager: EntityManager,
  userIds: readonly string[],
): Promise<ProfessionalFactTime[]> {
  if (userIds.length === 0) return [];
  const rows = (await manager.query(
    `SELECT user_id, fact, observed_at FROM professional_fact_times WHERE user_id IN (${placeholders(userIds.length)}) ` +
      `ORDER BY user_id, fact${forUpdate(manager)}`,
    [...userIds].sort(),
  )) as { user_id: string; fact: string; observed_at: Date | string }[];
  return rows.map((row) => ({ userId: row.user_id, fact: row.fact, observedAt: dateFromColumn(row.observed_at)! }));
}

/** Stores the times: those locked before updated (one multi-row upsert), the new ones inserted. */
export async function storeProfessionalFactTimes(
  manager: EntityManager,
  times: { updated: readonly ProfessionalFactTime[]; inserted: readonly ProfessionalFactTime[] },
): Promise<void> {
  const insert = (count: number) =>
    `INSERT INTO professional_fact_times (user_id, fact, observed_at) VALUES ${values(count, 3)}`;
  const parameters = (rows: readonly ProfessionalFactTime[]) =>
    rows.flatMap((row) => [row.userId, row.fact, datetimeParameter(row.observedAt)]);
  if (times.updated.length > 0) {
    const update = isMysql(manager.connection.options)
      ? ' ON DUPLICATE KEY UPDATE observed_at = VALUES(observed_at)'
      : ' ON CONFLICT (user_id, fact) DO UPDATE SET observed_at = excluded.observed_at';
    await manager.query(`${insert(times.updated.length)}${update}`, parameters(times.updated));
  }
  if (times.inserted.length === 0) return;
  await insertFirst(
    manager,
    insert(times.inserted.length),
    parameters(times.inserted),
    'a professional fact was observed concurrently',
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

// The IP location tables in plain SQL: the read path's two IN queries, and the write of a batch of posts'
// locations with their accounts' latest, in one transaction. Both MySQL and SQLite accept it. No address
// ever reaches this module: its rows hold codes and times only.
import type { EntityManager } from 'typeorm';
import type { RecordedLocation } from '../ip-location/place';
import { dateFromColumn, datetimeParameter, placeholders, type SqlRunner } from './account-rows';
import { isMysql } from './dialect';

const COLUMNS = ['post_id', 'user_id', 'country_code', 'region_code', 'recorded_at'] as const;

interface LocationRow {
  post_id: string;
  user_id: string;
  country_code: string | null;
  region_code: string | null;
  recorded_at: Date | string;
}

function locationFromRow(row: LocationRow): RecordedLocation {
  return {
    postId: row.post_id,
    userId: row.user_id,
    countryCode: row.country_code,
    regionCode: row.region_code,
    recordedAt: dateFromColumn(row.recorded_at)!, // NOT NULL
  };
}

function rowParameters(location: RecordedLocation): unknown[] {
  return [
    location.postId,
    location.userId,
    location.countryCode,
    location.regionCode,
    datetimeParameter(location.recordedAt),
  ];
}

function valuesList(count: number): string {
  return new Array<string>(count).fill(`(${placeholders(COLUMNS.length)})`).join(', ');
}

async function selectLocations(
  database: SqlRunner,
  table: 'post_ip_locations' | 'user_ip_locations',
  key: 'post_id' | 'user_id',
  ids: readonly string[],
): Promise<RecordedLocation[]> {
  const sql = `SELECT ${COLUMNS.join(', ')} FROM ${table} WHERE ${key} IN (${placeholders(ids.length)})`;
  return ((await database.query(sql, [...ids])) as LocationRow[]).map(locationFromRow);
}

/** The posts' locations; a post without one has no row. */
export function selectPostLocations(database: SqlRunner, postIds: readonly string[]): Promise<RecordedLocation[]> {
  return selectLocations(database, 'post_ip_locations', 'post_id', postIds);
}

/** The accounts' latest locations (the row of their most recent post); an account without one has no row. */
export function selectUserLocations(database: SqlRunner, userIds: readonly string[]): Promise<RecordedLocation[]> {
  return selectLocations(database, 'user_ip_locations', 'user_id', userIds);
}

/** Where a UTF-16 unit ranks by code point: surrogates (U+10000 and above) after U+E000-U+FFFF, not before. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

/**
 * Orders ids by Unicode code point, as the database does (utf8mb4_bin on MySQL, BINARY on SQLite: both the
 * order of the UTF-8 bytes). JavaScript's `<` compares UTF-16 units instead, which puts U+1F600 before
 * U+FF5E: the code and the SQL would then break a tie two ways. Ids are well-formed (user-id.ts).
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const difference = codePointRank(a.charCodeAt(index)) - codePointRank(b.charCodeAt(index));
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/**
 * Later post first; for two posts of the same millisecond, the greater post id by code point, in this code
 * as in advanceUserLocations' SQL, so that any order of arrival, in one batch or several, agrees.
 */
function isLater(a: RecordedLocation, b: RecordedLocation): boolean {
  const difference = a.recordedAt.getTime() - b.recordedAt.getTime();
  return difference > 0 || (difference === 0 && compareCodePoints(a.postId, b.postId) > 0);
}

/** Each account's latest of these locations. */
function latestByUser(locations: readonly RecordedLocation[]): RecordedLocation[] {
  const latest = new Map<string, RecordedLocation>();
  for (const location of locations) {
    const current = latest.get(location.userId);
    if (current === undefined || isLater(location, current)) latest.set(location.userId, location);
  }
  return [...latest.values()].sort((a, b) => compareCodePoints(a.userId, b.userId));
}

/** Inserts the posts that have no location yet; a post that has one keeps it (a repeat changes nothing). */
async function insertNewPostLocations(manager: EntityManager, locations: readonly RecordedLocation[]): Promise<void> {
  // One order for every writer, the index's: two batches never wait for each other's rows in opposite orders.
  const sorted = [...locations].sort((a, b) => compareCodePoints(a.postId, b.postId));
  const keepExisting = isMysql(manager.connection.options)
    ? 'ON DUPLICATE KEY UPDATE post_id = post_id'
    : 'ON CONFLICT (post_id) DO NOTHING';
  await manager.query(
    `INSERT INTO post_ip_locations (${COLUMNS.join(', ')}) VALUES ${valuesList(sorted.length)} ${keepExisting}`,
    sorted.flatMap(rowParameters),
  );
}

/**
 * Moves each account's latest location forward to these posts where they are later than the one it has.
 * MySQL applies the assignments left to right, each seeing the ones before: post_id is set before
 * recorded_at, so the comparison of the last one still holds (equal times: the post id decided already).
 */
async function advanceUserLocations(manager: EntityManager, locations: readonly RecordedLocation[]): Promise<void> {
  const latest = latestByUser(locations);
  if (latest.length === 0) return;
  const columns = ['user_id', 'post_id', 'country_code', 'region_code', 'recorded_at'];
  const parameters = latest.flatMap((location) => {
    const [postId, userId, ...rest] = rowParameters(location);
    return [userId, postId, ...rest];
  });
  const insert = `INSERT INTO user_ip_locations (${columns.join(', ')}) VALUES ${valuesList(latest.length)}`;
  if (isMysql(manager.connection.options)) {
    const later = '(VALUES(recorded_at), VALUES(post_id)) > (recorded_at, post_id)';
    const update = ['country_code', 'region_code', 'post_id', 'recorded_at']
      .map((column) => `${column} = IF(${later}, VALUES(${column}), ${column})`)
      .join(', ');
    await manager.query(`${insert} ON DUPLICATE KEY UPDATE ${update}`, parameters);
    return;
  }
  const update = ['country_code', 'region_code', 'post_id', 'recorded_at']
    .map((column) => `${column} = excluded.${column}`)
    .join(', ');
  await manager.query(
    `${insert} ON CONFLICT (user_id) DO UPDATE SET ${update} WHERE (excluded.recorded_at, excluded.post_id) > (user_ip_locations.recorded_at, user_ip_locations.post_id)`,
    parameters,
  );
}

/**
 * Stores the posts' locations, each post once (the first record of a post wins, then and forever), and
 * advances their accounts' latest, in one transaction. Returns what is stored for these posts now: for a
 * post that already had a location, that location, not the one given.
 */
export async function storePostLocations(
  manager: EntityManager,
  locations: readonly RecordedLocation[],
): Promise<RecordedLocation[]> {
  if (locations.length === 0) return [];
  await insertNewPostLocations(manager, locations);
  const stored = await selectPostLocations(manager, [...new Set(locations.map((location) => location.postId))]);
  await advanceUserLocations(manager, stored);
  return stored;
}

/** Every location recorded for the account's posts, most recent first (the owner's copy of what is held). */
export async function selectLocationsOfUser(
  database: SqlRunner,
  userId: string,
  limit: number,
): Promise<RecordedLocation[]> {
  const sql = `SELECT ${COLUMNS.join(', ')} FROM post_ip_locations WHERE user_id = ? ORDER BY recorded_at DESC, post_id DESC LIMIT ?`;
  return ((await database.query(sql, [userId, limit])) as LocationRow[]).map(locationFromRow);
}

/**
 * Deletes the posts' locations (the posts were deleted). An account whose latest was one of them gets its
 * latest remaining post's instead, or none. Returns the post ids that had a location.
 */
export async function deletePostLocations(manager: EntityManager, postIds: readonly string[]): Promise<string[]> {
  const sorted = [...new Set(postIds)].sort();
  if (sorted.length === 0) return [];
  const inPosts = `IN (${placeholders(sorted.length)})`;
  const lock = isMysql(manager.connection.options) ? ' FOR UPDATE' : '';
  const existing = (await manager.query(
    `SELECT post_id, user_id FROM post_ip_locations WHERE post_id ${inPosts} ORDER BY post_id${lock}`,
    sorted,
  )) as { post_id: string; user_id: string }[];
  if (existing.length === 0) return [];
  const deleted = existing.map((row) => row.post_id);
  const users = [...new Set(existing.map((row) => row.user_id))];
  const inDeleted = `IN (${placeholders(deleted.length)})`;
  const inUsers = `IN (${placeholders(users.length)})`;
  await manager.query(`DELETE FROM post_ip_locations WHERE post_id ${inDeleted}`, deleted);
  await manager.query(`DELETE FROM user_ip_locations WHERE user_id ${inUsers} AND post_id ${inDeleted}`, [
    ...users,
    ...deleted,
  ]);
  const later = 'later.user_id = p.user_id AND (later.recorded_at, later.post_id) > (p.recorded_at, p.post_id)';
  const remainingLatest = (await manager.query(
    `SELECT ${COLUMNS.map((column) => `p.${column}`).join(', ')} FROM post_ip_locations p WHERE p.user_id ${inUsers} ` +
      `AND NOT EXISTS (SELECT 1 FROM post_ip_locations later WHERE ${later})`,
    users,
  )) as LocationRow[];
  await advanceUserLocations(manager, remainingLatest.map(locationFromRow));
  return deleted;
}

// What an erasure does to the tables, in the caller's transaction: every row that holds the account's id
// (its account row with the name, its notices, its posts' and its own IP locations, its credentials and MCN
// agency, the times its facts and labels were observed by events) is deleted; its audit entries keep their
// event, stage and time but trade the id for its pseudonym (and its label changes lose the credentials' and
// agency's names too); its tombstone (pseudonym and time, never the id) keeps it from coming back. Both MySQL and SQLite
// accept this SQL.
import type { DataSource, EntityManager } from 'typeorm';
import type { PseudonymKey } from '../crypto/pseudonym-key';
import type { AuditedEvent } from '../policy/audit-events';
import { datetimeParameter, dateFromColumn, placeholders } from './account-rows';
import { isMysql } from './dialect';

/** An account to erase: its id, its pseudonym, and the audit entry that records the erasure. */
export interface AccountErasure {
  userId: string;
  pseudonym: string;
  erased: AuditedEvent;
}

export interface Tombstone {
  pseudonym: string;
  erasedAt: Date;
}

/** The tables that hold a user id, and where; the erasure and the restore drill's scan both go by this list. */
export const TABLES_WITH_USER_IDS = [
  'accounts',
  'notification_outbox',
  'post_ip_locations',
  'user_ip_locations',
  'qualifications',
  'mcn_agencies',
  'professional_fact_times',
  'audit_log',
  'label_changes',
] as const;

/** The tables of TABLES_WITH_USER_IDS that keep an erased account's entries under its pseudonym (erased = 1). */
const PSEUDONYMIZED_TABLES: ReadonlySet<string> = new Set(['audit_log', 'label_changes']);

/** Deleted whole at an erasure. */
const DELETED_TABLES = TABLES_WITH_USER_IDS.filter((table) => !PSEUDONYMIZED_TABLES.has(table));

/**
 * Those of `pseudonyms` that have a tombstone. `lock` (MySQL) waits for an erasure of them still being
 * written, and keeps it from starting until this transaction ends: a writer checks after storing, so that an
 * erasure racing it is either seen or sees what it stored.
 */
export async function erasedAmong(
  manager: EntityManager,
  pseudonyms: readonly string[],
  lock = false,
): Promise<Set<string>> {
  if (pseudonyms.length === 0) return new Set();
  const locking = lock && isMysql(manager.connection.options) ? ' LOCK IN SHARE MODE' : '';
  const rows = (await manager.query(
    `SELECT pseudonym FROM erasures WHERE pseudonym IN (${placeholders(pseudonyms.length)})${locking}`,
    [...pseudonyms],
  )) as { pseudonym: string }[];
  return new Set(rows.map((row) => row.pseudonym));
}

/**
 * Those of `userIds` that were erased (none without a key: then nothing was ever erased), for a writer
 * that must skip them. `lock` as for erasedAmong.
 */
export async function erasedUserIds(
  manager: EntityManager,
  userIds: readonly string[],
  key: PseudonymKey | undefined,
  lock = false,
  /** Pseudonyms by user id, computed before (an HMAC each) and kept for the next call. */
  known = new Map<string, string>(),
): Promise<Set<string>> {
  if (key === undefined || userIds.length === 0) return new Set();
  const pseudonymOf = (userId: string) => {
    let pseudonym = known.get(userId);
    if (pseudonym === undefined) known.set(userId, (pseudonym = key.of(userId)));
    return pseudonym;
  };
  const pseudonyms = new Map(userIds.map((userId) => [pseudonymOf(userId), userId]));
  const erased = await erasedAmong(manager, [...pseudonyms.keys()], lock);
  return new Set([...erased].map((pseudonym) => pseudonyms.get(pseudonym)!));
}

export async function hasTombstones(dataSource: DataSource): Promise<boolean> {
  const rows = (await dataSource.query('SELECT pseudonym FROM erasures LIMIT 1')) as unknown[];
  return rows.length > 0;
}

/** Every tombstone, oldest first: what a database restored from an older backup must forget again. */
export async function tombstones(dataSource: DataSource): Promise<Tombstone[]> {
  const rows = (await dataSource.query('SELECT pseudonym, erased_at FROM erasures ORDER BY erased_at, pseudonym')) as {
    pseudonym: string;
    erased_at: Date | string;
  }[];
  return rows.map((row) => ({ pseudonym: row.pseudonym, erasedAt: dateFromColumn(row.erased_at)! }));
}

/** Writes tombstones; one already there keeps its first time (an erasure repeated is the same erasure). */
export async function writeTombstones(manager: EntityManager, written: readonly Tombstone[]): Promise<void> {
  if (written.length === 0) return;
  const insert = isMysql(manager.connection.options) ? 'INSERT IGNORE INTO' : 'INSERT OR IGNORE INTO';
  const row = '(?, ?)';
  await manager.query(
    `${insert} erasures (pseudonym, erased_at) VALUES ${new Array<string>(written.length).fill(row).join(', ')}`,
    written.flatMap((tombstone) => [tombstone.pseudonym, datetimeParameter(tombstone.erasedAt)]),
  );
}

/** Deletes and pseudonymizes every row of these accounts and appends their ERASED entries (their tombstones are the caller's). */
export async function eraseAccountRows(
  manager: EntityManager,
  erasures: readonly AccountErasure[],
  at: Date,
  cause: string,
): Promise<void> {
  if (erasures.length === 0) return;
  const ids = erasures.map((erasure) => erasure.userId);
  const inIds = `IN (${placeholders(ids.length)})`;
  for (const table of DELETED_TABLES) {
    await manager.query(`DELETE FROM ${table} WHERE user_id ${inIds}`, ids);
  }
  const pseudonyms = `CASE user_id ${erasures.map(() => 'WHEN ? THEN ?').join(' ')} END`;
  const pseudonymParameters = [...erasures.flatMap((erasure) => [erasure.userId, erasure.pseudonym]), ...ids];
  await manager.query(
    `UPDATE audit_log SET erased = 1, user_id = ${pseudonyms} WHERE erased = 0 AND user_id ${inIds}`,
    pseudonymParameters,
  );
  // What a credential or an agency was called could tell who the account was: only the event, field and dates stay.
  await manager.query(
    `UPDATE label_changes SET erased = 1, title = NULL, issuer = NULL, agency = NULL, user_id = ${pseudonyms} ` +
      `WHERE erased = 0 AND user_id ${inIds}`,
    pseudonymParameters,
  );
  const row = `(${placeholders(8)})`;
  await manager.query(
    `INSERT INTO audit_log (user_id, erased, at, event, old_status, new_status, stage_name, cause) VALUES ${new Array<string>(erasures.length).fill(row).join(', ')}`,
    erasures.flatMap(({ pseudonym, erased }) => [
      pseudonym,
      1,
      datetimeParameter(at),
      erased.event,
      erased.oldStatus,
      erased.newStatus,
      erased.stageName,
      cause.slice(0, 255),
    ]),
  );
}

/** Every distinct user id still held in any table (not pseudonyms): what the restore drill checks against the tombstones. */
export async function userIdsHeld(dataSource: DataSource): Promise<string[]> {
  const selects = TABLES_WITH_USER_IDS.map(
    (table) => `SELECT user_id FROM ${table}${PSEUDONYMIZED_TABLES.has(table) ? ' WHERE erased = 0' : ''}`,
  );
  const rows = (await dataSource.query(selects.join(' UNION '))) as { user_id: string }[];
  return rows.map((row) => row.user_id);
}

/** Those of `userIds` that some table still holds rows under. */
export async function userIdsHeldAmong(manager: EntityManager, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const inIds = `IN (${placeholders(userIds.length)})`;
  const selects = TABLES_WITH_USER_IDS.map(
    (table) =>
      `SELECT user_id FROM ${table} WHERE user_id ${inIds}${PSEUDONYMIZED_TABLES.has(table) ? ' AND erased = 0' : ''}`,
  );
  const rows = (await manager.query(
    selects.join(' UNION '),
    TABLES_WITH_USER_IDS.flatMap(() => userIds),
  )) as { user_id: string }[];
  return new Set(rows.map((row) => row.user_id));
}

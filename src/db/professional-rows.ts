// The professional label tables in plain SQL: the read path's two IN queries (credentials, MCN agencies),
// the locked reads and writes of a change, the audit entries (label_changes) and the owner's reads. Both
// MySQL and SQLite accept it.
import type { EntityManager } from 'typeorm';
import type { StoredMcnAgency } from '../professional/label';
import type { LabelChange, LabelChangeEvent } from '../professional/label-changes';
import type { ProfessionalField, StoredQualification } from '../professional/qualification';
import { dateFromColumn, datetimeParameter, placeholders, type SqlRunner } from './account-rows';
import { WriteConflict } from './database-errors';
import { isMysql } from './dialect';
import { errorCodeOf } from '../errors';

const QUALIFICATION_COLUMNS = ['user_id', 'field', 'title', 'issuer', 'verified_at', 'expires_at'] as const;
const AGENCY_COLUMNS = ['user_id', 'name', 'since'] as const;

interface QualificationRow {
  user_id: string;
  field: ProfessionalField;
  title: string;
  issuer: string | null;
  verified_at: Date | string;
  expires_at: Date | string | null;
}

interface AgencyRow {
  user_id: string;
  name: string;
  since: Date | string;
}

function qualificationFromRow(row: QualificationRow): StoredQualification {
  return {
    userId: row.user_id,
    field: row.field,
    title: row.title,
    issuer: row.issuer,
    verifiedAt: dateFromColumn(row.verified_at)!, // NOT NULL
    expiresAt: dateFromColumn(row.expires_at),
  };
}

function agencyFromRow(row: AgencyRow): StoredMcnAgency {
  return { userId: row.user_id, name: row.name, since: dateFromColumn(row.since)! };
}

const lockClause = (manager: EntityManager) => (isMysql(manager.connection.options) ? ' FOR UPDATE' : '');

function valuesList(rows: number, columns: number): string {
  return new Array<string>(rows).fill(`(${placeholders(columns)})`).join(', ');
}

/** The accounts' credentials, expired ones included (the read decides what is in force); in any order. */
export async function selectQualifications(
  database: SqlRunner,
  userIds: readonly string[],
  lock = '',
): Promise<StoredQualification[]> {
  const sql = `SELECT ${QUALIFICATION_COLUMNS.join(', ')} FROM qualifications WHERE user_id IN (${placeholders(userIds.length)})`;
  return ((await database.query(`${sql}${lock}`, [...userIds])) as QualificationRow[]).map(qualificationFromRow);
}

/** The accounts' MCN agencies; an account without one has no row. */
export async function selectMcnAgencies(
  database: SqlRunner,
  userIds: readonly string[],
  lock = '',
): Promise<StoredMcnAgency[]> {
  const sql = `SELECT ${AGENCY_COLUMNS.join(', ')} FROM mcn_agencies WHERE user_id IN (${placeholders(userIds.length)})`;
  return ((await database.query(`${sql}${lock}`, [...userIds])) as AgencyRow[]).map(agencyFromRow);
}

/**
 * Reads the accounts' credentials and locks those that exist until the transaction ends, in one order for
 * every writer. A credential with no row takes no lock (READ COMMITTED): insertQualifications fails with a
 * WriteConflict when another writer inserted it first.
 */
export function lockQualifications(manager: EntityManager, userIds: readonly string[]): Promise<StoredQualification[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return selectQualifications(manager, [...userIds].sort(), ` ORDER BY user_id, field, title${lockClause(manager)}`);
}

/** As lockQualifications, for the accounts' MCN agencies. */
export function lockMcnAgencies(manager: EntityManager, userIds: readonly string[]): Promise<StoredMcnAgency[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return selectMcnAgencies(manager, [...userIds].sort(), ` ORDER BY user_id${lockClause(manager)}`);
}

/** A multi-row INSERT that fails with a WriteConflict when a row exists by now. */
async function insertNew(manager: EntityManager, sql: string, parameters: unknown[]): Promise<void> {
  try {
    await manager.query(sql, parameters);
  } catch (error) {
    if (errorCodeOf(error) === 'ER_DUP_ENTRY') throw new WriteConflict('a label was stored concurrently');
    throw error;
  }
}

function upsertClause(manager: EntityManager, key: readonly string[], updated: readonly string[]): string {
  return isMysql(manager.connection.options)
    ? ` ON DUPLICATE KEY UPDATE ${updated.map((column) => `${column} = VALUES(${column})`).join(', ')}`
    : ` ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updated.map((column) => `${column} = excluded.${column}`).join(', ')}`;
}

export interface RowWrites<T> {
  /** Rows that did not exist when locked. */
  inserted: readonly T[];
  /** Rows that existed, locked, with new values. */
  updated: readonly T[];
  /** Rows that existed, locked, to delete. */
  deleted: readonly T[];
}

const qualificationParameters = (q: StoredQualification) => [
  q.userId,
  q.field,
  q.title,
  q.issuer,
  datetimeParameter(q.verifiedAt),
  datetimeParameter(q.expiresAt),
];

/** Stores the credentials' changes: new rows inserted, changed ones updated, revoked ones deleted. */
export async function writeQualifications(
  manager: EntityManager,
  writes: RowWrites<StoredQualification>,
): Promise<void> {
  const insert = (count: number) =>
    `INSERT INTO qualifications (${QUALIFICATION_COLUMNS.join(', ')}) VALUES ${valuesList(count, QUALIFICATION_COLUMNS.length)}`;
  if (writes.inserted.length > 0) {
    await insertNew(manager, insert(writes.inserted.length), writes.inserted.flatMap(qualificationParameters));
  }
  if (writes.updated.length > 0) {
    const upsert = upsertClause(manager, QUALIFICATION_COLUMNS.slice(0, 3), QUALIFICATION_COLUMNS.slice(3));
    await manager.query(`${insert(writes.updated.length)}${upsert}`, writes.updated.flatMap(qualificationParameters));
  }
  if (writes.deleted.length > 0) {
    const keys = writes.deleted.map(() => '(user_id = ? AND field = ? AND title = ?)').join(' OR ');
    await manager.query(
      `DELETE FROM qualifications WHERE ${keys}`,
      writes.deleted.flatMap((q) => [q.userId, q.field, q.title]),
    );
  }
}

/** Stores the MCN agencies' changes: new rows inserted, changed ones updated, departures deleted. */
export async function writeMcnAgencies(manager: EntityManager, writes: RowWrites<StoredMcnAgency>): Promise<void> {
  const parameters = (agencies: readonly StoredMcnAgency[]) =>
    agencies.flatMap((agency) => [agency.userId, agency.name, datetimeParameter(agency.since)]);
  const insert = (count: number) =>
    `INSERT INTO mcn_agencies (${AGENCY_COLUMNS.join(', ')}) VALUES ${valuesList(count, AGENCY_COLUMNS.length)}`;
  if (writes.inserted.length > 0) {
    await insertNew(manager, insert(writes.inserted.length), parameters(writes.inserted));
  }
  if (writes.updated.length > 0) {
    const upsert = upsertClause(manager, ['user_id'], AGENCY_COLUMNS.slice(1));
    await manager.query(`${insert(writes.updated.length)}${upsert}`, parameters(writes.updated));
  }
  if (writes.deleted.length > 0) {
    await manager.query(
      `DELETE FROM mcn_agencies WHERE user_id IN (${placeholders(writes.deleted.length)})`,
      writes.deleted.map((agency) => agency.userId),
    );
  }
}

const CHANGE_COLUMNS = [
  'user_id',
  'at',
  'event',
  'field',
  'title',
  'issuer',
  'verified_at',
  'expires_at',
  'agency',
  'cause',
] as const;

/** Appends audit entries, each with what made it ("import labels.ndjson:12", "event user.mcn.changed"). */
export async function insertLabelChanges(
  manager: EntityManager,
  changes: readonly { change: LabelChange; cause: string }[],
  at: Date,
): Promise<void> {
  if (changes.length === 0) return;
  await manager.query(
    `INSERT INTO label_changes (${CHANGE_COLUMNS.join(', ')}) VALUES ${valuesList(changes.length, CHANGE_COLUMNS.length)}`,
    changes.flatMap(({ change, cause }) => [
      change.userId,
      datetimeParameter(at),
      change.event,
      change.field,
      change.title,
      change.issuer,
      datetimeParameter(change.verifiedAt),
      datetimeParameter(change.expiresAt),
      change.agency,
      cause.slice(0, 255),
    ]),
  );
}

/** One entry of an account's label history, as its owner reads it. */
export interface LabelChangeEntry extends Omit<LabelChange, 'userId'> {
  at: Date;
  event: LabelChangeEvent;
}

interface LabelChangeRow {
  at: Date | string;
  event: LabelChangeEvent;
  field: ProfessionalField | null;
  title: string | null;
  issuer: string | null;
  verified_at: Date | string | null;
  expires_at: Date | string | null;
  agency: string | null;
}

/** The account's entries, oldest first (an erased account's are under its pseudonym, never found by id). */
export async function labelChangesOf(database: SqlRunner, userId: string): Promise<LabelChangeEntry[]> {
  const rows = (await database.query(
    `SELECT ${CHANGE_COLUMNS.slice(1, -1).join(', ')} FROM label_changes WHERE user_id = ? AND erased = 0 ORDER BY id`,
    [userId],
  )) as LabelChangeRow[];
  return rows.map((row) => ({
    at: dateFromColumn(row.at)!,
    event: row.event,
    field: row.field,
    title: row.title,
    issuer: row.issuer,
    verifiedAt: dateFromColumn(row.verified_at),
    expiresAt: dateFromColumn(row.expires_at),
    agency: row.agency,
  }));
}

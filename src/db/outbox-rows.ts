// The outbox as the relay reads it, in plain SQL: the entries not delivered yet, oldest first, and marking
// some delivered once the stream has acknowledged them. The lock that lets one relay run at a time is a MySQL
// named lock, held by a connection of the relay's own (it goes with the connection if the process dies).
import type { QueryRunner } from 'typeorm';
import type { DisclosureStatus } from '../policy/types';
import { dateFromColumn, datetimeParameter, placeholders, type SqlRunner } from './account-rows';
import type { NotificationKind } from './tables';

export interface PendingEntry {
  id: number;
  userId: string;
  kind: NotificationKind;
  stageName: string | null;
  noticeDeadline: Date | null;
  createdAt: Date;
  status: DisclosureStatus | null;
  restricted: boolean | null;
}

interface PendingRow {
  id: number | string;
  user_id: string;
  kind: NotificationKind;
  stage_name: string | null;
  notice_deadline: Date | string | null;
  created_at: Date | string;
  status: DisclosureStatus | null;
  restricted: number | boolean | null;
}

/** Up to `limit` entries not delivered yet, in id order (per account, the order they were written in). */
export async function pendingEntries(database: SqlRunner, limit: number): Promise<PendingEntry[]> {
  const rows = (await database.query(
    'SELECT id, user_id, kind, stage_name, notice_deadline, created_at, status, restricted FROM notification_outbox ' +
      'WHERE delivered_at IS NULL ORDER BY id LIMIT ?',
    [limit],
  )) as PendingRow[];
  return rows.map((row) => ({
    id: Number(row.id),
    userId: row.user_id,
    kind: row.kind,
    stageName: row.stage_name,
    noticeDeadline: dateFromColumn(row.notice_deadline),
    createdAt: dateFromColumn(row.created_at)!,
    status: row.status,
    restricted: row.restricted === null ? null : Boolean(Number(row.restricted)),
  }));
}

export async function countPending(database: SqlRunner): Promise<number> {
  const [row] = (await database.query('SELECT COUNT(*) AS n FROM notification_outbox WHERE delivered_at IS NULL')) as {
    n: number | string;
  }[];
  return Number(row?.n ?? 0);
}

export async function markDelivered(database: SqlRunner, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await database.query(
    `UPDATE notification_outbox SET delivered_at = ? WHERE id IN (${placeholders(ids.length)}) AND delivered_at IS NULL`,
    [datetimeParameter(at), ...ids],
  );
}

/** One name per database (names are server-wide, and at most 64 characters). */
const RELAY_LOCK = "CONCAT('identity-labels:relay:', LEFT(SHA1(DATABASE()), 32))";

/** Takes the relay's lock on this connection if no other holds it; true when it is held here. */
export async function tryRelayLock(holder: QueryRunner): Promise<boolean> {
  const [row] = (await holder.query(`SELECT GET_LOCK(${RELAY_LOCK}, 0) AS locked`)) as {
    locked: number | string | null;
  }[];
  return Number(row?.locked) === 1;
}

/** Whether this connection still holds it (a connection that was lost has lost it). */
export async function holdsRelayLock(holder: QueryRunner): Promise<boolean> {
  const [row] = (await holder.query(`SELECT IS_USED_LOCK(${RELAY_LOCK}) = CONNECTION_ID() AS held`)) as {
    held: number | string | null;
  }[];
  return Number(row?.held) === 1;
}

export async function releaseRelayLock(holder: QueryRunner): Promise<void> {
  await holder.query(`SELECT RELEASE_LOCK(${RELAY_LOCK})`);
}

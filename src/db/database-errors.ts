// What a database failure means for the caller: a conflict with another writer (try the transaction again), a
// connection that died (try again on a fresh one), or something else (report it).
import { QueryFailedError } from 'typeorm';
import { errorCodeOf, errorMessage } from '../errors';

/** MySQL/MariaDB chose this transaction as a deadlock victim (1213) or it waited too long for a lock (1205). */
export function isLockConflict(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

/**
 * A pooled connection that the server (or the network) closed fails once when it is next used; mysql2 then
 * drops it from the pool, and the next attempt gets a fresh one.
 */
export function isDeadConnection(error: unknown): boolean {
  const code = errorCodeOf(error);
  return (
    code === 'PROTOCOL_CONNECTION_LOST' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    /closed state/.test(errorMessage(error))
  );
}

/** The database did not answer within the bound the caller set (a stalled server, a full pool). */
export class DatabaseTimeoutError extends Error {
  override name = 'DatabaseTimeoutError';
}

/**
 * The database failed, not the request: unreachable, too slow, a statement refused by the server, a
 * conflict still there after the retries. A caller answers "try again later"; anything else is a bug.
 */
export function isDatabaseFailure(error: unknown): boolean {
  if (error instanceof DatabaseTimeoutError || error instanceof QueryFailedError) return true;
  const code = errorCodeOf(error);
  return code !== undefined && /^(E[A-Z0-9_]+|PROTOCOL_[A-Z_]+|ER_[A-Z_]+)$/.test(code);
}

/** Another writer inserted a row this transaction meant to insert: run it again, and it will find the row. */
export class WriteConflict extends Error {
  override name = 'WriteConflict';
}

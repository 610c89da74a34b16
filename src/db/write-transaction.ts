// Every write of accounts (import, notify, consent) runs here: one transaction, in READ COMMITTED on MySQL, tried
// again with backoff when it collides with another writer or loses its connection.
//
// Why READ COMMITTED: under MySQL's default REPEATABLE READ, a locking read of ids that do not exist yet (the
// new accounts of an import, a first consent) takes gap locks, and concurrent inserts into those gaps deadlock.
// READ COMMITTED locks only the rows that exist. A row that another writer inserts between our read and our
// insert then makes our insert fail as a duplicate (WriteConflict), and the transaction runs again, finding
// the row and locking it. Every write here decides afresh from what it reads under its locks, so running a
// transaction again (after a failure, even one at commit whose outcome is unknown) changes nothing twice.
import type { DataSource, EntityManager } from 'typeorm';
import { isDeadConnection, isLockConflict, WriteConflict } from './database-errors';
import { addSpanEvent, errorType, setSpanAttributes, withSpan } from '../observability/tracing';
import { isMysql } from './dialect';
import { databaseSystem, tracedSql } from './sql-spans';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first wait; each next one doubles, up to `maxDelayMs`, with jitter so that colliding writers part. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const WRITE_RETRY: RetryPolicy = { attempts: 10, baseDelayMs: 20, maxDelayMs: 1000 };

export function isRetryableWriteFailure(error: unknown): boolean {
  return error instanceof WriteConflict || isLockConflict(error) || isDeadConnection(error);
}

function backoff(attempt: number, policy: RetryPolicy): Promise<void> {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const delay = ceiling / 2 + Math.random() * (ceiling / 2);
  return new Promise((resolve) => setTimeout(resolve, delay));
}

/**
 * Runs `work` in one transaction; tried again (bounded, with backoff) on a conflict or a dead connection. Traced:
 * one span for the transaction, its attempts included (each retry an event, named by its error code), and
 * one for each statement `work` sends through its manager.
 */
export function inWriteTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  policy: RetryPolicy = WRITE_RETRY,
): Promise<T> {
  const traced = (manager: EntityManager) => work(tracedSql(manager));
  const attributes = { 'db.system.name': databaseSystem(dataSource.options) };
  return withSpan('write transaction', attributes, async () => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = isMysql(dataSource.options)
          ? await dataSource.transaction('READ COMMITTED', traced)
          : await dataSource.transaction(traced); // SQLite: one writer at a time, no isolation levels to choose
        setSpanAttributes({ 'identity_labels.attempts': attempt });
        return result;
      } catch (error) {
        setSpanAttributes({ 'identity_labels.attempts': attempt });
        if (attempt >= policy.attempts || !isRetryableWriteFailure(error)) throw error;
        addSpanEvent('retried', { 'error.type': errorType(error) });
        await backoff(attempt, policy);
      }
    }
  });
}

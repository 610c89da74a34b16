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
import { isMysql } from './dialect';

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

/** Runs `work` in one transaction; tried again (bounded, with backoff) on a conflict or a dead connection. */
export async function inWriteTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  policy: RetryPolicy = WRITE_RETRY,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return isMysql(dataSource.options)
        ? await dataSource.transaction('READ COMMITTED', work)
        : await dataSource.transaction(work); // SQLite: one writer at a time, no isolation levels to choose
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryableWriteFailure(error)) throw error;
      await backoff(attempt, policy);
    }
  }
}

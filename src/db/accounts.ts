// Reading accounts: the read path's only query, bounded in time and retried once on a dead pooled connection.
import type { DataSource } from 'typeorm';
import { accountFromRow, placeholders, SELECT_ACCOUNTS } from './account-rows';
import type { Account } from './entities/account';

export class LookupTimeoutError extends Error {
  override name = 'LookupTimeoutError';
}

/** One SELECT ... WHERE user_id IN (...) for all the given ids; unknown ids simply have no row. */
export async function selectAccounts(dataSource: DataSource, userIds: readonly string[]): Promise<Account[]> {
  const rows: Record<string, unknown>[] = await dataSource.query(
    `${SELECT_ACCOUNTS} WHERE user_id IN (${placeholders(userIds.length)})`,
    [...userIds],
  );
  return rows.map(accountFromRow);
}

/**
 * A pooled connection that the server (or the network) closed fails once when it is next used; mysql2 then
 * drops it from the pool. A read is safe to repeat, so that one failure is retried on a fresh connection.
 */
function isDeadConnection(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return (
    code === 'PROTOCOL_CONNECTION_LOST' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    /closed state/.test(message ?? '')
  );
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LookupTimeoutError(`account lookup took over ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The read path's lookup: never waits longer than `timeoutMs`, queueing for a connection included. */
export function findAccounts(
  dataSource: DataSource,
  userIds: readonly string[],
  timeoutMs: number,
): Promise<Account[]> {
  const lookup = selectAccounts(dataSource, userIds).catch((error: unknown) => {
    if (isDeadConnection(error)) return selectAccounts(dataSource, userIds);
    throw error;
  });
  return withTimeout(lookup, timeoutMs);
}

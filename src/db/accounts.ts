// Reading accounts: the read path's only query.
import type { DataSource } from 'typeorm';
import { accountFromRow, placeholders, SELECT_ACCOUNTS } from './account-rows';
import type { Account } from './entities/account';

/** One SELECT ... WHERE user_id IN (...) for all the given ids; unknown ids simply have no row. */
export async function findAccounts(dataSource: DataSource, userIds: readonly string[]): Promise<Account[]> {
  const rows: Record<string, unknown>[] = await dataSource.query(
    `${SELECT_ACCOUNTS} WHERE user_id IN (${placeholders(userIds.length)})`,
    [...userIds],
  );
  return rows.map(accountFromRow);
}

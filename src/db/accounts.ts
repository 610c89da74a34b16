// Reading accounts: the read path's only query.
import { In, type DataSource } from 'typeorm';
import { Account } from './entities/account';

/** One SELECT ... WHERE user_id IN (...) for all the given ids; unknown ids simply have no row. */
export function findAccounts(dataSource: DataSource, userIds: readonly string[]): Promise<Account[]> {
  return dataSource.getRepository(Account).find({ where: { userId: In([...userIds]) } });
}

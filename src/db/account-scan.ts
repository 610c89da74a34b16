// Walks the accounts above a follower count, a page at a time in user-id order, without locks: for previews
// of a policy change, which must see every account it could touch without holding up the writers.
import type { AccountFacts } from '../policy/types';
import { accountFromRow, SELECT_ACCOUNTS, type SqlRunner } from './account-rows';

export async function* accountsWithFollowers(
  database: SqlRunner,
  minFollowers: number,
  pageSize = 5000,
): AsyncGenerator<AccountFacts[]> {
  let after = '';
  for (;;) {
    const rows = (await database.query(
      `${SELECT_ACCOUNTS} WHERE follower_count >= ? AND user_id > ? ORDER BY user_id LIMIT ${pageSize}`,
      [Math.floor(minFollowers), after],
    )) as Parameters<typeof accountFromRow>[0][];
    const last = rows.at(-1);
    if (last === undefined) return;
    yield rows.map((row) => accountFromRow(row));
    after = last.user_id;
  }
}

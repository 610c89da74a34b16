// The key the tests encrypt real names with, and how a test reads a stored name back.
import type { DataSource } from 'typeorm';
import { RealNameKeys } from '../../src/crypto/real-name-keys';
import { accountFromRow, SELECT_ACCOUNTS } from '../../src/db/account-rows';
import { RealNames } from '../../src/real-names/real-names';
import type { AccountFacts, SealedRealName } from '../../src/policy/types';

/** REAL_NAME_KEYS of every test server unless a test says otherwise (a fixed key: test data only). */
export const TEST_REAL_NAME_KEYS = 'test:aWRlbnRpdHktbGFiZWxzLXRlc3Qta2V5LTMyYnl0ZXM=';

export const testRealNames = new RealNames(RealNameKeys.parse(TEST_REAL_NAME_KEYS));

/** No keys: names stay plain text (a development database). */
export const plainRealNames = new RealNames(undefined);

/** The text of a name a test made (plain) or stored (under the test key). */
export function textOf(name: SealedRealName | null, realNames = testRealNames): string | null {
  return name === null ? null : realNames.open(name);
}

/** Every stored account, in user id order, with its real name opened. */
export async function storedAccounts(
  dataSource: DataSource,
  realNames = testRealNames,
): Promise<(Omit<AccountFacts, 'realName'> & { realName: string | null })[]> {
  const rows = (await dataSource.query(`${SELECT_ACCOUNTS} ORDER BY user_id`)) as Parameters<
    typeof accountFromRow
  >[0][];
  return rows
    .map((row) => accountFromRow(row))
    .map((account) => ({ ...account, realName: textOf(account.realName, realNames) }));
}

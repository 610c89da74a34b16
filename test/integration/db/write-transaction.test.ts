// The one place writes of accounts run: a deadlock, a lock-wait timeout or a concurrent insert runs the
// transaction again instead of failing it; anything else fails at once.
import type { EntityManager } from 'typeorm';
import { lockAccounts, newAccount, saveAccountChanges } from '../../../src/db/account-writes';
import { inWriteTransaction } from '../../../src/db/write-transaction';
import { useMigratedDatabase } from '../../support/database';
import { anAccount, insertAccounts } from '../../support/factories';

const database = useMigratedDatabase();
const db = () => database.dataSource;

const rules = { hysteresisRatio: 0.9 };
const now = new Date('2026-11-25T08:00:00Z');

/** Resolves when `count` callers have arrived: two transactions hold their first lock before either goes on. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (release = resolve));
  return async () => {
    arrived += 1;
    if (arrived === count) release();
    await all;
  };
}

beforeAll(async () => {
  await insertAccounts(db(), [anAccount({ userId: 'a' }), anAccount({ userId: 'b' })]);
});

it('two transactions that lock the same rows in opposite orders both commit: the deadlock victim runs again', async () => {
  const bothHoldOne = barrier(2);
  const attempts = { first: 0, second: 0 };
  const lockInOrder = (first: string, second: string, name: keyof typeof attempts) =>
    inWriteTransaction(db(), async (manager: EntityManager) => {
      attempts[name] += 1;
      await lockAccounts(manager, [first]);
      if (attempts[name] === 1) await bothHoldOne();
      await lockAccounts(manager, [second]);
      await manager.query('UPDATE accounts SET follower_count = follower_count + 1 WHERE user_id IN (?, ?)', [
        first,
        second,
      ]);
    });
  await Promise.all([lockInOrder('a', 'b', 'first'), lockInOrder('b', 'a', 'second')]);
  expect(attempts.first + attempts.second).toBe(3); // one of them ran twice
  const rows = await db().query("SELECT follower_count AS n FROM accounts WHERE user_id IN ('a', 'b')");
  expect(rows).toEqual([{ n: 2 }, { n: 2 }]);
});

it('two transactions that insert the same new account: the second runs again, finds it, and changes it', async () => {
  const bothRead = barrier(2);
  let runs = 0;
  const insertNew = (followerCount: number) =>
    inWriteTransaction(db(), async (manager: EntityManager) => {
      runs += 1;
      const before = (await lockAccounts(manager, ['fresh'])).get('fresh');
      if (runs <= 2) await bothRead(); // both saw no row
      const after = { ...(before ?? newAccount('fresh')), followerCount };
      await saveAccountChanges(manager, [{ before, after, cause: 'test' }], [], now, rules);
    });
  await Promise.all([insertNew(10), insertNew(20)]);
  expect(runs).toBe(3);
  expect(await db().query("SELECT COUNT(*) AS n FROM accounts WHERE user_id = 'fresh'")).toEqual([{ n: '1' }]);
});

it('any other failure is not retried', async () => {
  let runs = 0;
  await expect(
    inWriteTransaction(db(), async (manager: EntityManager) => {
      runs += 1;
      await manager.query('SELECT * FROM no_such_table');
    }),
  ).rejects.toThrow(/no_such_table/);
  expect(runs).toBe(1);
});

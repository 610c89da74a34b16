// The cross-request row cache on its own: what it remembers, for how long, and what it must forget.
import { AccountCache } from '../../../src/db/account-cache';
import type { AccountFacts } from '../../../src/policy/types';
import { anAccount } from '../../support/factories';

function fakeDatabase(accounts: AccountFacts[]) {
  const rows = new Map(accounts.map((account) => [account.userId, account]));
  const queries: string[][] = [];
  return {
    rows,
    queries,
    read: async (userIds: readonly string[]) => {
      queries.push([...userIds]);
      return userIds.flatMap((userId) => (rows.has(userId) ? [{ ...rows.get(userId)! }] : []));
    },
  };
}

const ids = (accounts: AccountFacts[]) => accounts.map((account) => account.userId).sort();

it('with a TTL of 0 (the default) every read goes to the database', async () => {
  const database = fakeDatabase([anAccount({ userId: 'a' })]);
  const cache = new AccountCache(database.read, { ttlMs: 0, maxEntries: 10 });
  await cache.read(['a']);
  await cache.read(['a']);
  expect(database.queries).toEqual([['a'], ['a']]);
});

it('asks the database only for the ids it does not hold, unknown ids included', async () => {
  const database = fakeDatabase([anAccount({ userId: 'a' }), anAccount({ userId: 'b' })]);
  const cache = new AccountCache(database.read, { ttlMs: 60_000, maxEntries: 10 });
  expect(ids(await cache.read(['a', 'unknown']))).toEqual(['a']);
  expect(ids(await cache.read(['a', 'b', 'unknown']))).toEqual(['a', 'b']);
  expect(database.queries).toEqual([['a', 'unknown'], ['b']]);
});

it('serves a row for at most the TTL', async () => {
  const database = fakeDatabase([anAccount({ userId: 'a', consent: 'NONE' })]);
  const cache = new AccountCache(database.read, { ttlMs: 50, maxEntries: 10 });
  await cache.read(['a']);
  database.rows.set('a', { ...database.rows.get('a')!, consent: 'YES' }); // written by another process
  expect((await cache.read(['a']))[0]?.consent).toBe('NONE');
  await new Promise((resolve) => setTimeout(resolve, 80));
  expect((await cache.read(['a']))[0]?.consent).toBe('YES');
});

it('holds at most maxEntries ids', async () => {
  const database = fakeDatabase([]);
  const cache = new AccountCache(database.read, { ttlMs: 60_000, maxEntries: 2 });
  await cache.read(['a', 'b', 'c']);
  await cache.read(['a']); // pushed out by b and c
  expect(database.queries).toEqual([['a', 'b', 'c'], ['a']]);
});

it('forgets the accounts this process wrote, and does not keep a read that raced with the write', async () => {
  const database = fakeDatabase([anAccount({ userId: 'a', consent: 'NONE' })]);
  const cache = new AccountCache(database.read, { ttlMs: 60_000, maxEntries: 10 });
  const inFlight = cache.read(['a']); // read before the write commits...
  database.rows.set('a', { ...database.rows.get('a')!, consent: 'YES' });
  cache.forget(['a']); // ...the write commits and forgets
  await inFlight;
  expect((await cache.read(['a']))[0]?.consent).toBe('YES');
  cache.forgetAll();
  await cache.read(['a']);
  expect(database.queries).toHaveLength(3);
});

it('hands out rows nobody can change in place, since every request shares them', async () => {
  const database = fakeDatabase([anAccount({ userId: 'a' })]);
  const cache = new AccountCache(database.read, { ttlMs: 60_000, maxEntries: 10 });
  const [row] = await cache.read(['a']);
  expect(Object.isFrozen(row)).toBe(true);
});

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

it('with a TTL of 0 every read goes to the database', async () => {
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

it('is bypassed while it is not trusted (the change feed is down), and starts afresh when it is again', async () => {
  const database = fakeDatabase([anAccount({ userId: 'a', consent: 'YES' })]);
  let feedUp = true;
  const cache = new AccountCache(database.read, { ttlMs: 60_000, maxEntries: 10 }, () => feedUp);
  await cache.read(['a']);
  feedUp = false;
  database.rows.set('a', anAccount({ userId: 'a', consent: 'NO' })); // a change nobody was told of
  expect((await cache.read(['a']))[0]?.consent).toBe('NO');
  expect((await cache.read(['a']))[0]?.consent).toBe('NO');
  feedUp = true;
  expect((await cache.read(['a']))[0]?.consent).toBe('NO');
  expect(database.queries).toEqual([['a'], ['a'], ['a'], ['a']]);
  await cache.read(['a']);
  expect(database.queries).toHaveLength(4); // trusted again: held once more
});

it('does not keep a row read within the settle window after its change (a replica may not have it yet)', async () => {
  const database = fakeDatabase([anAccount({ userId: 'a' }), anAccount({ userId: 'b' })]);
  const cache = new AccountCache(database.read, { ttlMs: 60_000, maxEntries: 10, settleMs: 40 });
  await cache.read(['a', 'b']);
  cache.forget(['a']);
  await cache.read(['a', 'b']); // a is read again; b is still held
  await cache.read(['a', 'b']); // a is not kept yet: read again
  expect(database.queries).toEqual([['a', 'b'], ['a'], ['a']]);
  await new Promise((resolve) => setTimeout(resolve, 60));
  await cache.read(['a']);
  await cache.read(['a']); // settled: kept again
  expect(database.queries).toEqual([['a', 'b'], ['a'], ['a'], ['a']]);
});

it('keeps nothing within the settle window after a change to every account', async () => {
  const database = fakeDatabase([anAccount({ userId: 'a' })]);
  const cache = new AccountCache(database.read, { ttlMs: 60_000, maxEntries: 10, settleMs: 40 });
  cache.forgetAll();
  await cache.read(['a']);
  await cache.read(['a']);
  expect(database.queries).toHaveLength(2);
  await new Promise((resolve) => setTimeout(resolve, 60));
  await cache.read(['a']);
  await cache.read(['a']);
  expect(database.queries).toHaveLength(3);
});

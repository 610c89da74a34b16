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

describe('refresh ahead', () => {
  const waitFor = async (condition: () => boolean) => {
    for (let tries = 0; !condition(); tries += 1) {
      if (tries > 200) throw new Error('condition not met in 2 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('reads a row served in the last quarter of its TTL again in the background, so it never expires in use', async () => {
    const database = fakeDatabase([anAccount({ userId: 'a', consent: 'NONE' }), anAccount({ userId: 'b' })]);
    const cache = new AccountCache(database.read, { ttlMs: 1000, maxEntries: 10 });
    await cache.read(['a', 'b', 'unknown']);
    await cache.read(['a', 'b', 'unknown']); // early in the TTL: nothing is due
    expect(database.queries).toHaveLength(1);
    database.rows.set('a', { ...database.rows.get('a')!, consent: 'YES' }); // written by another process
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await cache.read(['a', 'unknown']))[0]?.consent).toBe('NONE'); // still within its TTL: served
    await waitFor(() => database.queries.length === 2);
    expect(database.queries[1]).toEqual(['a', 'unknown']); // one query for all that were due; b was not asked for
    await new Promise((resolve) => setTimeout(resolve, 250)); // past the first read's TTL
    expect((await cache.read(['a', 'unknown']))[0]?.consent).toBe('YES'); // the refreshed row, from memory
    expect(await cache.read(['b'])).toHaveLength(1); // b expired unused: read when asked for
    expect(database.queries).toEqual([['a', 'b', 'unknown'], ['a', 'unknown'], ['b']]);
  });

  it('does not keep a refresh that raced with a change, and asks for at most refreshBatchSize ids at once', async () => {
    const database = fakeDatabase(['a', 'b', 'c'].map((userId) => anAccount({ userId, consent: 'NONE' })));
    let release: () => void = () => undefined;
    const slow = async (userIds: readonly string[]) => {
      const rows = await database.read(userIds);
      if (database.queries.length === 2) await new Promise<void>((resolve) => (release = resolve)); // the refresh
      return rows;
    };
    const cache = new AccountCache(slow, { ttlMs: 1000, maxEntries: 10, refreshBatchSize: 2 });
    await cache.read(['a', 'b', 'c']);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await cache.read(['a', 'b', 'c']);
    await waitFor(() => database.queries.length === 2);
    expect(database.queries[1]).toEqual(['a', 'b']); // c was not due: the batch was full
    database.rows.set('a', { ...database.rows.get('a')!, consent: 'YES' });
    cache.forget(['a']); // the write commits while the refresh is under way
    release();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await cache.read(['a']))[0]?.consent).toBe('YES');
    expect(database.queries.at(-1)).toEqual(['a']); // the refresh's old row of a was not kept
  });

  it('a failed refresh leaves the rows to expire as they would have', async () => {
    const database = fakeDatabase([anAccount({ userId: 'a' })]);
    let fail = false;
    const flaky = async (userIds: readonly string[]) => {
      if (fail) throw new Error('connection lost');
      return database.read(userIds);
    };
    const cache = new AccountCache(flaky, { ttlMs: 1000, maxEntries: 10 });
    await cache.read(['a']);
    await new Promise((resolve) => setTimeout(resolve, 800));
    fail = true;
    expect(await cache.read(['a'])).toHaveLength(1); // served; the refresh fails in the background
    await new Promise((resolve) => setTimeout(resolve, 250));
    await expect(cache.read(['a'])).rejects.toThrow('connection lost'); // expired: the request reads, and fails
    fail = false;
    expect(await cache.read(['a'])).toHaveLength(1);
  });

  it('starts no refresh once stopped (shutdown), and waits for the one under way', async () => {
    const database = fakeDatabase([anAccount({ userId: 'a' })]);
    const cache = new AccountCache(database.read, { ttlMs: 1000, maxEntries: 10 });
    await cache.read(['a']);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await cache.read(['a']); // due: a refresh is scheduled...
    await cache.stop(); // ...and stopped before it starts
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(database.queries).toHaveLength(1);
  });
});

describe('readNoted: rows in the order asked, with the notes their reader keeps on them', () => {
  it('gives one row per id, null for an unknown one, and undefined while the cache is off or not trusted', async () => {
    const database = fakeDatabase([anAccount({ userId: 'a' }), anAccount({ userId: 'b' })]);
    let feedUp = true;
    const cache = new AccountCache(database.read, { ttlMs: 60_000, maxEntries: 10 }, () => feedUp);
    await cache.read(['b']);
    const noted = await cache.readNoted(['unknown', 'b', 'a'])!; // b from memory, the others read
    expect(noted.map((account) => account.value?.userId ?? null)).toEqual([null, 'b', 'a']);
    expect(database.queries).toEqual([['b'], ['unknown', 'a']]);
    feedUp = false;
    expect(cache.readNoted(['a'])).toBeUndefined();
    expect(new AccountCache(database.read, { ttlMs: 0, maxEntries: 10 }).readNoted(['a'])).toBeUndefined();
  });

  it('keeps a note with its row while the row is read again unchanged, and drops it with a changed or forgotten row', async () => {
    const database = fakeDatabase([anAccount({ userId: 'a', consent: 'NONE' })]);
    let held: AccountFacts | undefined;
    // As the SQL reader does: a row that still says the same comes back as the account held.
    const reader = async (userIds: readonly string[], holding?: (userId: string) => AccountFacts | undefined) => {
      const [row] = await database.read(userIds);
      held = holding?.('a');
      return row === undefined ? [] : [held !== undefined && held.consent === row.consent ? held : row];
    };
    const cache = new AccountCache(reader, { ttlMs: 1000, maxEntries: 10 });
    const [first] = (await cache.readNoted(['a']))!;
    first!.note = 'not subject';
    expect((await cache.readNoted(['a']))![0]!.note).toBe('not subject');
    await new Promise((resolve) => setTimeout(resolve, 800)); // due: read again ahead, unchanged
    await cache.readNoted(['a']);
    for (let tries = 0; database.queries.length < 2; tries += 1) {
      if (tries > 100) throw new Error('no refresh in 1 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 250)); // past the first read's TTL: the refreshed row
    expect((await cache.readNoted(['a']))![0]!.note).toBe('not subject');
    database.rows.set('a', anAccount({ userId: 'a', consent: 'YES' }));
    cache.forget(['a']);
    const [changed] = (await cache.readNoted(['a']))!;
    expect({ consent: changed!.value?.consent, note: changed!.note }).toEqual({ consent: 'YES', note: undefined });
  });

  it("a row the database matched to another spelling of an id is not that id's", async () => {
    const database = fakeDatabase([anAccount({ userId: 'a' })]);
    const collating = async (userIds: readonly string[]) => database.read(userIds.map((id) => id.toLowerCase()));
    const cache = new AccountCache(collating, { ttlMs: 60_000, maxEntries: 10 });
    const noted = await cache.readNoted(['A', 'a'])!;
    expect(noted.map((account) => account.value?.userId ?? null)).toEqual([null, 'a']);
  });
});

// The per-request loader's contract, as DataLoader's own tests state theirs: what a caller gets for each
// use, and a clear error for each misuse. The account source here is an in-memory stand-in that records
// every read: the point is the batching and the ordering, not the database (integration tests count SQL).
import { GraphQLError } from 'graphql';
import { RealNameKeys } from '../../../src/crypto/real-name-keys';
import { RealNames } from '../../../src/real-names/real-names';
import { AccountCache } from '../../../src/db/account-cache';
import { createIdentityLoader, type AccountSource } from '../../../src/loaders/identity-loader';
import { NotSubjectNotes } from '../../../src/loaders/not-subject-notes';
import type { IdentityLabel } from '../../../src/policy/label';
import type { AccountFacts, PolicyStage, RealNameOpener, Viewer } from '../../../src/policy/types';
import { anAccount, aStage } from '../../support/factories';
import { testRealNames } from '../../support/real-names';

const NOW = new Date('2026-11-25T08:00:00Z');
const stages = [aStage({ minFollowers: 1_000_000 })];
const settings = { hysteresisRatio: 0.9, realNameViewers: 'verified' as const };
const VERIFIED: Viewer = { id: 'viewer', verified: true };
const ANONYMOUS: Viewer = { id: null, verified: false };

/** As the database holds it: the name encrypted under the test key. */
const encrypted = (account: AccountFacts): AccountFacts => ({
  ...account,
  realName: account.realName && testRealNames.reseal(account.realName),
});

const disclosed = encrypted(
  anAccount({ userId: 'disclosed', realName: 'Zhang Wei', followerCount: 2_000_000, consent: 'YES' }),
);
const small = encrypted(anAccount({ userId: 'small', realName: 'Zhao Lei', followerCount: 10 }));

/** Rows by id; `reads` lists the ids of every read, in order. */
function accountSource(rows: AccountFacts[], fail?: Error): AccountSource & { reads: string[][] } {
  const byId = new Map(rows.map((row) => [row.userId, row]));
  const reads: string[][] = [];
  return {
    reads,
    async read(userIds) {
      reads.push([...userIds]);
      if (fail !== undefined) throw fail;
      // Like the IN query: any order, unknown ids simply absent.
      return userIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])).reverse();
    },
  };
}

function loader(
  accounts: AccountSource,
  viewer: Viewer = VERIFIED,
  maxBatchSize = 1000,
  openRealName: RealNameOpener = testRealNames.open,
) {
  return createIdentityLoader({
    accounts,
    stages: () => stages,
    clock: () => NOW,
    openRealName,
    viewer,
    settings,
    maxBatchSize,
  });
}

/** The test key's opener, counting the names it decrypts. */
function countingOpener(): { open: RealNameOpener; decrypted: string[] } {
  const decrypted: string[] = [];
  return {
    decrypted,
    open: (name) => {
      const text = testRealNames.open(name);
      decrypted.push(text);
      return text;
    },
  };
}

describe('use', () => {
  it('answers every key of one tick from one read, in key order, one label per key', async () => {
    const source = accountSource([disclosed, small]);
    const labels = await loader(source).loadMany(['small', 'never-seen', 'disclosed']);
    expect(source.reads).toEqual([['small', 'never-seen', 'disclosed']]);
    expect(labels.map((label) => (label instanceof Error ? label : label.status))).toEqual([
      'NOT_SUBJECT',
      'NOT_SUBJECT',
      'DISCLOSED',
    ]);
  });

  it('reads each distinct id once, however often it is asked', async () => {
    const source = accountSource([disclosed]);
    const identities = loader(source);
    await Promise.all([identities.load('disclosed'), identities.load('disclosed'), identities.load('other')]);
    await identities.load('disclosed'); // later in the same request: from the loader's own cache
    expect(source.reads).toEqual([['disclosed', 'other']]);
  });

  it('splits a batch larger than maxBatchSize into several reads', async () => {
    const source = accountSource([]);
    await loader(source, VERIFIED, 2).loadMany(['a', 'b', 'c', 'd', 'e']);
    expect(source.reads).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('applies its own viewer: two requests, two loaders, two answers from the same rows', async () => {
    const source = accountSource([disclosed]);
    const [forVerified, forAnonymous] = await Promise.all([
      loader(source, VERIFIED).load('disclosed'),
      loader(source, ANONYMOUS).load('disclosed'),
    ]);
    expect(forVerified).toMatchObject({ status: 'DISCLOSED', realName: 'Zhang Wei' });
    expect(forAnonymous).toMatchObject({ status: 'DISCLOSED', realName: null });
  });

  it('ignores rows it did not ask for, and reads them when they are asked', async () => {
    const reads: string[][] = [];
    const source: AccountSource = { read: async (userIds) => (reads.push([...userIds]), [small, disclosed]) };
    const identities = loader(source);
    expect(await identities.load('small')).toMatchObject({ status: 'NOT_SUBJECT' });
    expect(await identities.load('disclosed')).toMatchObject({ status: 'DISCLOSED' });
    expect(reads).toEqual([['small'], ['disclosed']]);
  });

  it("a row the database matched to another spelling of a key (its collation) is not that key's", async () => {
    const source: AccountSource = { read: async () => [disclosed] }; // asked DISCLOSED, MySQL found 'disclosed'
    const labels = await loader(source).loadMany(['DISCLOSED', 'disclosed']);
    expect(labels).toMatchObject([{ status: 'NOT_SUBJECT', realName: null }, { status: 'DISCLOSED' }]);
    const alone = await loader(source).loadMany(['DISCLOSED']);
    expect(alone).toMatchObject([{ status: 'NOT_SUBJECT', realName: null }]);
  });

  it('a key asked while its read is under way waits for that read, and is not read again', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const source = accountSource([disclosed, small]);
    const slow: AccountSource = { read: async (userIds) => (await held, source.read(userIds)) };
    const identities = loader(slow);
    const first = identities.loadMany(['disclosed']);
    await new Promise((resolve) => setImmediate(resolve)); // the first read has started
    const second = identities.loadMany(['disclosed', 'small']);
    release();
    const [[fromFirst], [fromSecond, other]] = await Promise.all([first, second]);
    expect(fromSecond).toBe(fromFirst);
    expect(other).toMatchObject({ status: 'NOT_SUBJECT' });
    expect(source.reads).toEqual([['disclosed'], ['small']]);
  });
});

describe('when the accounts cannot be read', () => {
  it('gives every key of that read IDENTITY_UNAVAILABLE, with the cause kept for the log, not the message', async () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:3306'), { code: 'ECONNREFUSED' });
    const labels = await loader(accountSource([], cause)).loadMany(['a', 'b']);
    for (const label of labels) {
      expect(label).toBeInstanceOf(GraphQLError);
      expect((label as GraphQLError).extensions.code).toBe('IDENTITY_UNAVAILABLE');
      expect((label as GraphQLError).message).toBe('identity data is unavailable, try again later');
      expect((label as GraphQLError).originalError).toBe(cause);
    }
  });

  it('fails only the batch that failed', async () => {
    let calls = 0;
    const flaky: AccountSource = {
      read: async (userIds) => {
        calls += 1;
        if (calls === 1) throw new Error('lost connection');
        return userIds.map((userId) => anAccount({ userId }));
      },
    };
    const identities = loader(flaky, VERIFIED, 1);
    const labels = await identities.loadMany(['first', 'second']);
    expect(labels[0]).toBeInstanceOf(GraphQLError);
    expect(labels[1]).toMatchObject({ status: 'NOT_SUBJECT' });
    // Asked again in the same request (graphql-js answering after graphql-jit): the failure stands, unread.
    expect((await identities.loadMany(['first']))[0]).toBe(labels[0]);
    expect(calls).toBe(2);
  });
});

describe('real names, encrypted at rest', () => {
  const batch = Array.from({ length: 100 }, (_, index) =>
    encrypted(
      anAccount({
        userId: `u-${index}`,
        realName: `Name ${index}`,
        followerCount: index % 10 === 0 ? 2_000_000 : 10,
        consent: index % 30 === 0 ? 'YES' : 'NONE',
      }),
    ),
  );
  const ids = batch.map((account) => account.userId);

  it('decrypts only the names it reveals to this viewer, never the rest of the batch', async () => {
    const verified = countingOpener();
    const labels = await loader(accountSource(batch), VERIFIED, 1000, verified.open).loadMany(ids);
    const disclosedOnes = ['Name 0', 'Name 30', 'Name 60', 'Name 90'];
    expect([...verified.decrypted].sort()).toEqual(disclosedOnes); // in the order the rows came
    expect(labels.filter((label) => !(label instanceof Error) && label.realName !== null)).toHaveLength(4);

    const anonymous = countingOpener();
    await loader(accountSource(batch), ANONYMOUS, 1000, anonymous.open).loadMany(ids);
    expect(anonymous.decrypted).toEqual([]);
  });

  it('fails only the account whose name is due and cannot be read, with IDENTITY_UNAVAILABLE', async () => {
    const otherKey = new RealNames(RealNameKeys.generate('other'));
    const lost = { ...disclosed, userId: 'lost', realName: otherKey.seal('lost', 'Lost Name') };
    const hidden = { ...small, userId: 'hidden', realName: otherKey.seal('hidden', 'Hidden Name') };
    const labels = await loader(accountSource([disclosed, lost, hidden])).loadMany(['disclosed', 'lost', 'hidden']);
    expect(labels[0]).toMatchObject({ status: 'DISCLOSED', realName: 'Zhang Wei' });
    expect(labels[1]).toBeInstanceOf(GraphQLError);
    expect((labels[1] as GraphQLError).extensions.code).toBe('IDENTITY_UNAVAILABLE');
    expect((labels[1] as GraphQLError).message).not.toContain('Lost Name');
    expect(labels[2]).toMatchObject({ status: 'NOT_SUBJECT', realName: null }); // not due: never opened
  });
});

describe('rows the row cache holds: a NOT_SUBJECT label is noted on the row until a stage starts or ends', () => {
  const LATER = new Date('2026-12-01T00:00:00Z');
  const withWiderStage = Object.freeze([
    ...stages,
    aStage({ minFollowers: 100_000, effectiveFrom: LATER, retiredAt: new Date('2027-01-01T00:00:00Z') }),
  ]);
  let propertyReads = 0;
  /** The account as a proxy that counts every property read of it (the cache freezes its target). */
  const counted = (account: AccountFacts): AccountFacts =>
    new Proxy(account, {
      get: (target, property, receiver) => {
        propertyReads += 1;
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
  const rising = encrypted(anAccount({ userId: 'rising', realName: 'Lin Pingzhi', followerCount: 200_000 }));

  const notes = new NotSubjectNotes(); // one app's

  function cachedSource(rows: AccountFacts[]): AccountSource {
    const byId = new Map(rows.map((row) => [row.userId, row]));
    const read = async (userIds: readonly string[]) =>
      userIds.flatMap((id) => (byId.has(id) ? [counted(byId.get(id)!)] : []));
    const cache = new AccountCache(read, { ttlMs: 60_000, maxEntries: 100 });
    return { read: (userIds) => cache.read(userIds), readNoted: (userIds) => cache.readNoted(userIds) };
  }

  const labelAt = async (
    accounts: AccountSource,
    now: Date,
    inForce: readonly PolicyStage[] = withWiderStage,
    userId = 'rising',
    notSubjectNotes: NotSubjectNotes | undefined = notes,
  ) => {
    const identities = createIdentityLoader({
      accounts,
      stages: () => inForce,
      clock: () => now,
      openRealName: testRealNames.open,
      viewer: VERIFIED,
      settings,
      maxBatchSize: 1000,
      notSubjectNotes,
    });
    const before = propertyReads;
    const [label] = await identities.loadMany([userId]);
    const status = label instanceof GraphQLError ? label.extensions.code : (label as IdentityLabel).status;
    return { status, rowRead: propertyReads > before };
  };

  it('is taken without reading the row again, and decided afresh once the clock passes a boundary either way', async () => {
    const accounts = cachedSource([rising]);
    expect(await labelAt(accounts, NOW)).toEqual({ status: 'NOT_SUBJECT', rowRead: true });
    expect(await labelAt(accounts, NOW)).toEqual({ status: 'NOT_SUBJECT', rowRead: false });
    expect(await labelAt(accounts, LATER)).toEqual({ status: 'NOTICE', rowRead: true }); // the wider stage began
    expect(await labelAt(accounts, LATER)).toEqual({ status: 'NOTICE', rowRead: true }); // never noted
    expect(await labelAt(accounts, new Date(LATER.getTime() - 1))).toEqual({ status: 'NOT_SUBJECT', rowRead: true });
    expect(await labelAt(accounts, new Date('2027-01-01T00:00:00Z'))).toEqual({ status: 'NOT_SUBJECT', rowRead: true });
  });

  it('is decided afresh under other stages (a policy change, a reload of the same ones), whatever the time', async () => {
    const accounts = cachedSource([rising]);
    const everyone = Object.freeze([aStage({ minFollowers: 0 })]);
    expect(await labelAt(accounts, NOW)).toEqual({ status: 'NOT_SUBJECT', rowRead: true });
    expect(await labelAt(accounts, NOW, everyone)).toEqual({ status: 'NOTICE', rowRead: true });
    const reloaded = Object.freeze([...withWiderStage]);
    expect(await labelAt(accounts, NOW, reloaded)).toEqual({ status: 'NOT_SUBJECT', rowRead: true });
    expect(await labelAt(accounts, NOW, reloaded)).toEqual({ status: 'NOT_SUBJECT', rowRead: false });
  });

  it('notes no error and no subject label, and nothing without a holder of notes', async () => {
    const lost = {
      ...disclosed,
      userId: 'lost',
      realName: new RealNames(RealNameKeys.generate('x')).seal('lost', 'L'),
    };
    const accounts = cachedSource([rising, lost]);
    for (let asked = 0; asked < 2; asked++) {
      expect(await labelAt(accounts, NOW, withWiderStage, 'lost')).toEqual({
        status: 'IDENTITY_UNAVAILABLE',
        rowRead: true,
      });
      expect(await labelAt(accounts, LATER, withWiderStage, 'rising')).toEqual({ status: 'NOTICE', rowRead: true });
      expect(await labelAt(accounts, NOW, withWiderStage, 'rising', undefined)).toEqual({
        status: 'NOT_SUBJECT',
        rowRead: true,
      });
    }
  });

  it('a database that fails under the cache fails the batch, and the rows noted before are served again after', async () => {
    let down = false;
    const database = async (userIds: readonly string[]) => {
      if (down) throw new Error('connection lost');
      return userIds.flatMap((id) => (id === 'rising' ? [counted(rising)] : []));
    };
    const cache = new AccountCache(database, { ttlMs: 60_000, maxEntries: 100 });
    const accounts: AccountSource = { read: (ids) => cache.read(ids), readNoted: (ids) => cache.readNoted(ids) };
    expect(await labelAt(accounts, NOW)).toEqual({ status: 'NOT_SUBJECT', rowRead: true });
    down = true;
    expect(await labelAt(accounts, NOW, withWiderStage, 'not-cached')).toEqual({
      status: 'IDENTITY_UNAVAILABLE',
      rowRead: false,
    });
    expect(await labelAt(accounts, NOW)).toEqual({ status: 'NOT_SUBJECT', rowRead: false }); // from memory
  });

  it('a source that answers readNoted with a row too few fails that batch, IDENTITY_UNAVAILABLE', async () => {
    const broken: AccountSource = { read: async () => [], readNoted: async () => [] };
    expect(await labelAt(broken, NOW)).toEqual({ status: 'IDENTITY_UNAVAILABLE', rowRead: false });
  });

  it('a disclosed name is still gated per request, per viewer, from the same cached row', async () => {
    const accounts = cachedSource([disclosed, small]);
    const ask = (viewer: Viewer) =>
      createIdentityLoader({
        accounts,
        stages: () => stages,
        clock: () => NOW,
        openRealName: testRealNames.open,
        viewer,
        settings,
        maxBatchSize: 1000,
        notSubjectNotes: notes,
      }).loadMany(['disclosed', 'small', 'never-seen']) as Promise<IdentityLabel[]>;
    for (const viewer of [VERIFIED, ANONYMOUS, VERIFIED, ANONYMOUS]) {
      const labels = await ask(viewer);
      expect(labels.map((label) => [label.status, label.realName])).toEqual([
        ['DISCLOSED', viewer === VERIFIED ? 'Zhang Wei' : null],
        ['NOT_SUBJECT', null],
        ['NOT_SUBJECT', null],
      ]);
    }
  });
});

describe('misuse', () => {
  it('a key that is not given is refused at once, before any read', async () => {
    const source = accountSource([]);
    const identities = loader(source);
    await expect(identities.load(undefined as unknown as string)).rejects.toThrow(/user ids must be strings/);
    await expect(identities.loadMany('disclosed' as unknown as string[])).rejects.toThrow(/with an array/);
    await Promise.resolve(); // a read would have been scheduled by now
    expect(source.reads).toEqual([]);
  });

  it('a batch size that is not a positive number is refused when the loader is made', () => {
    expect(() => loader(accountSource([]), VERIFIED, 0)).toThrow(/maxBatchSize must be a positive number/);
  });
});

// A row read again is the account the cache holds only when every column still says the same: a column that
// rowStillReads did not compare would keep a hot account's change out of the cache for as long as it is read.
import { ACCOUNT_COLUMNS, accountFromRow, selectAccountsKeeping, type AccountRow } from '../../../src/db/account-rows';
import type { StoredRealName } from '../../../src/real-names/real-names';

const row: AccountRow = {
  user_id: 'u-1',
  real_name: null,
  real_name_encrypted: Buffer.from([1, 2, 3]),
  subject_kind: 'INDIVIDUAL',
  verification: 'VERIFIED',
  follower_count: 600_000,
  category: 'law',
  notified_at: new Date('2026-11-20T00:00:00.000Z'),
  notified_stage_id: 3,
  consent: 'NONE',
  consent_at: null,
};

/** Each column changed alone. */
const changed: Record<string, unknown> = {
  user_id: 'u-2',
  real_name: 'Plain Name',
  real_name_encrypted: Buffer.from([1, 2, 4]),
  subject_kind: 'ORGANIZATION',
  verification: 'REVOKED',
  follower_count: 600_001,
  category: 'health',
  notified_at: new Date('2026-11-20T00:00:00.001Z'),
  notified_stage_id: 4,
  consent: 'YES',
  consent_at: new Date('2026-11-21T00:00:00.000Z'),
};

const held = accountFromRow(row);

it('a row that reads the same, as either driver returns it, is the account held', () => {
  expect(accountFromRow({ ...row, real_name_encrypted: Buffer.from([1, 2, 3]) }, () => held)).toBe(held);
  const asSqlJs = { ...row, follower_count: '600000', notified_at: '2026-11-20 00:00:00.000' };
  expect(accountFromRow(asSqlJs, () => held)).toBe(held);
});

it.each(ACCOUNT_COLUMNS.map((column) => [column]))('a change to %s alone is a new account', (column) => {
  expect(Object.keys(changed)).toContain(column); // a new column: say here how it changes
  const read = accountFromRow({ ...row, [column]: changed[column] } as AccountRow, () => held);
  expect(read).not.toBe(held);
});

it('without an account held, or with another one, the row is built', () => {
  expect(accountFromRow(row)).not.toBe(held);
  expect(accountFromRow(row, () => undefined)).toEqual(held);
});

it("a name the cache will keep is copied out of the driver's buffer; one a request alone uses is not", async () => {
  const packet = Buffer.from([9, 9, 1, 2, 3, 9, 9]); // mysql2 hands out a view of the packet it read
  const database = { query: () => Promise.resolve([{ ...row, real_name_encrypted: packet.subarray(2, 5) }]) };
  const nameOf = (accounts: { realName: unknown }[]) => (accounts[0]!.realName as StoredRealName).encrypted!;

  const kept = nameOf(await selectAccountsKeeping(database, ['u-1'], () => undefined));
  expect([...kept]).toEqual([1, 2, 3]);
  expect(kept.buffer.byteLength).toBe(3); // the packet is not kept alive by a cached row

  const forOneRequest = nameOf(await selectAccountsKeeping(database, ['u-1']));
  expect([...forOneRequest]).toEqual([1, 2, 3]);
  expect(forOneRequest.buffer).toBe(packet.buffer); // no allocation per name on an uncached request
});

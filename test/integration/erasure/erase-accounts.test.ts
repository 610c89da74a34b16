// Erasure on a real MySQL, names encrypted: what an erased account leaves behind (nothing but its audit
// entries under a pseudonym and a tombstone), that a later import cannot bring it back, and that an erasure
// racing an import never ends with the account stored again.
import { PseudonymKey } from '../../../src/crypto/pseudonym-key';
import { loadPolicyStages } from '../../../src/db/policy-stages';
import { storePostLocations } from '../../../src/db/ip-location-rows';
import { inWriteTransaction } from '../../../src/db/write-transaction';
import { eraseAccounts, type ErasureOptions } from '../../../src/erasure/erase-accounts';
import { importAccounts, type ImportOptions } from '../../../src/import/import-accounts';
import type { ParsedLine } from '../../../src/import/records';
import { notifyAccounts } from '../../../src/notify/notify-accounts';
import type { PolicyStage } from '../../../src/policy/types';
import { useMigratedDatabase } from '../../support/database';
import { everyStoredValue } from '../../support/ip-locations';
import { testRealNames } from '../../support/real-names';

const db = useMigratedDatabase();
const pseudonymKey = PseudonymKey.parse('AZTynN10d3740gdhZE4XV716Z0wRyxSJpM4gOSRoQY8=');
const rules = { hysteresisRatio: 0.9 };
let stages: PolicyStage[];

beforeAll(async () => {
  stages = await loadPolicyStages(db.dataSource);
});

async function* recordsOf(...records: object[]): AsyncIterable<ParsedLine> {
  for (const [index, record] of records.entries()) yield { line: index + 1, record } as ParsedLine;
}

function importOptions(fields: Partial<ImportOptions> = {}): ImportOptions {
  return {
    stages,
    rules,
    clock: () => new Date(),
    batchSize: 100,
    realNames: testRealNames,
    pseudonymKey,
    onRejected: (rejected) => {
      throw new Error(`unexpected rejection: ${rejected.reason}`);
    },
    ...fields,
  };
}

function erasureOptions(fields: Partial<ErasureOptions> = {}): ErasureOptions {
  return {
    pseudonymKey,
    stages,
    rules,
    now: new Date(),
    cause: 'test erasure',
    batchSize: 100,
    onCommitted: () => undefined,
    ...fields,
  };
}

const subject = (userId: string, realName: string) => ({
  userId,
  realName,
  followerCount: 2_000_000,
  verification: 'VERIFIED',
  subjectKind: 'INDIVIDUAL',
  category: 'finance',
});

async function auditRows(): Promise<{ id: number; user_id: string; erased: number; event: string }[]> {
  return db.dataSource.query('SELECT id, user_id, erased, event FROM audit_log ORDER BY id');
}

describe('an account with a name, a notice, consent history and post locations', () => {
  const userId = 'erase-me-7f3a';
  const realName = '王小明';
  let auditBefore: Awaited<ReturnType<typeof auditRows>>;

  beforeAll(async () => {
    await importAccounts(
      db.dataSource,
      'accounts.ndjson',
      recordsOf(subject(userId, realName), subject('keep-me', '李四')),
      importOptions(),
    );
    await notifyAccounts(db.dataSource, { stages, rules, now: new Date(), cause: 'test notify' });
    await inWriteTransaction(db.dataSource, (manager) =>
      storePostLocations(manager, [
        { postId: 'post-of-erased-1', userId, countryCode: 'CN', regionCode: 'CN-ZJ', recordedAt: new Date() },
        { postId: 'post-of-erased-2', userId, countryCode: 'US', regionCode: null, recordedAt: new Date() },
      ]),
    );
    auditBefore = await auditRows();
    expect(auditBefore.filter((row) => row.user_id === userId).map((row) => row.event)).toContain('NOTIFIED');
  });

  it('is erased: no table holds its id any more, and the other account is untouched', async () => {
    const told: string[] = [];
    const counts = await eraseAccounts(
      db.dataSource,
      [userId],
      erasureOptions({ onCommitted: (ids) => told.push(...ids) }),
    );
    expect(counts).toEqual({ erased: 1, 'already-erased': 0, unknown: 0 });
    expect(told).toEqual([userId]);
    const everything = await everyStoredValue(db.dataSource);
    expect(everything).not.toContain(userId);
    expect(everything).not.toContain('post-of-erased');
    expect(everything).toContain('keep-me');
  });

  it('keeps its audit entries, in place, under its pseudonym, with an ERASED entry after them', async () => {
    const after = await auditRows();
    const pseudonym = pseudonymKey.of(userId);
    expect(after.slice(0, auditBefore.length).map((row) => row.id)).toEqual(auditBefore.map((row) => row.id));
    const theirs = after.filter((row) => row.user_id === pseudonym);
    expect(theirs.map((row) => row.event)).toEqual([
      ...auditBefore.filter((row) => row.user_id === userId).map((row) => row.event),
      'ERASED',
    ]);
    expect(theirs.every((row) => Number(row.erased) === 1)).toBe(true);
    expect(after.map((row) => row.id)).toEqual(after.map((_row, index) => after[0]!.id + index)); // no gap
  });

  it('is remembered by a tombstone: its pseudonym and the time, never the id', async () => {
    const rows = (await db.dataSource.query('SELECT * FROM erasures')) as Record<string, unknown>[];
    expect(rows).toContainEqual({ pseudonym: pseudonymKey.of(userId), erased_at: expect.any(Date) });
    expect(JSON.stringify(rows)).not.toContain(userId);
  });

  it('erasing again changes nothing; an id never held is reported and remembered', async () => {
    const before = await everyStoredValue(db.dataSource);
    expect(await eraseAccounts(db.dataSource, [userId], erasureOptions())).toEqual({
      erased: 0,
      'already-erased': 1,
      unknown: 0,
    });
    expect(await everyStoredValue(db.dataSource)).toBe(before);
    expect(await eraseAccounts(db.dataSource, ['never-seen'], erasureOptions())).toEqual({
      erased: 0,
      'already-erased': 0,
      unknown: 1,
    });
  });

  it('last night’s import file does not bring it back: its record is skipped and counted', async () => {
    const progress = await importAccounts(
      db.dataSource,
      'accounts.ndjson',
      recordsOf(subject(userId, realName), subject('keep-me', '李四'), subject('never-seen', '赵六')),
      importOptions(),
    );
    expect(progress.counts).toEqual({ inserted: 0, updated: 0, unchanged: 1, rejected: 0, erased: 2 });
    const everything = await everyStoredValue(db.dataSource);
    expect(everything).not.toContain(userId);
    expect(everything).not.toContain('never-seen');
  });
});

it('an erasure racing an import of the same new account never ends with the account stored', async () => {
  for (let round = 0; round < 15; round += 1) {
    const userId = `race-${round}`;
    await Promise.all([
      importAccounts(db.dataSource, 'race.ndjson', recordsOf(subject(userId, '张三')), importOptions()),
      eraseAccounts(db.dataSource, [userId], erasureOptions()),
    ]);
    const rows = (await db.dataSource.query('SELECT user_id FROM accounts WHERE user_id = ?', [userId])) as unknown[];
    expect({ round, rows }).toEqual({ round, rows: [] });
  }
});

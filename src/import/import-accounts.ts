// Loads account records into the database: batched upserts, one transaction a batch, every change audited.
// Importing the same records twice leaves the same state (the second time everything is "unchanged"), so an
// import that stopped partway is finished by running it again.
import type { DataSource } from 'typeorm';
import type { PseudonymKey } from '../crypto/pseudonym-key';
import { lockAccounts, newAccount, sameAccount, saveAccountChanges, type AccountChange } from '../db/account-writes';
import { WriteConflict } from '../db/database-errors';
import { erasedUserIds } from '../db/erasures';
import type { RealNames } from '../real-names/real-names';
import { inWriteTransaction } from '../db/write-transaction';
import type { AccountFacts, PolicyRules, PolicyStage } from '../policy/types';
import { importInBatches, type BatchOptions, type ImportProgress as Progress } from './batched-import';
import type { AccountRecord, ParsedLine } from './records';

export { ImportStopped, type RejectedRecord } from './batched-import';

export interface ImportCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Records of erased accounts: skipped, never stored. */
  erased: number;
}

export interface ImportOptions extends BatchOptions<ImportCounts> {
  stages: readonly PolicyStage[];
  rules: PolicyRules;
  /** The time each batch is stamped with (audit entries, decisions). */
  clock: () => Date;
  /** Seals new names; an unchanged one keeps its stored value. */
  realNames: RealNames;
  /** Erased accounts are recognized by their pseudonym under this key; undefined: none was ever erased. */
  pseudonymKey: PseudonymKey | undefined;
  /** Called once a batch has committed, with the accounts it changed (readers' caches forget them). */
  onCommitted?: (userIds: readonly string[]) => void;
}

export type ImportProgress = Progress<ImportCounts>;

export function emptyCounts(): ImportCounts {
  return { inserted: 0, updated: 0, unchanged: 0, rejected: 0, erased: 0 };
}

/**
 * The account after applying a partial record: fields the record does not carry stay as they were. A name is
 * compared as text (decrypting the stored one only when the record carries a name): an unchanged name keeps
 * its stored value, a new one is sealed.
 */
export function mergeRecord(
  before: AccountFacts | undefined,
  record: AccountRecord,
  realNames: RealNames,
): AccountFacts {
  const merged = { ...(before ?? newAccount(record.userId)) };
  if (record.followerCount !== undefined) merged.followerCount = record.followerCount;
  if (record.realName !== undefined) {
    merged.realName = realNames.keepOrSeal(merged.realName, record.userId, record.realName);
  }
  if (record.verification !== undefined) merged.verification = record.verification;
  if (record.subjectKind !== undefined) merged.subjectKind = record.subjectKind;
  if (record.category !== undefined) merged.category = record.category;
  return merged;
}

async function storeBatch(
  dataSource: DataSource,
  source: string,
  batch: { line: number; record: AccountRecord }[],
  options: ImportOptions,
): Promise<ImportCounts> {
  // Counted per attempt: a transaction tried again counts afresh from what it then reads.
  const { batchCounts, changedIds } = await inWriteTransaction(dataSource, async (manager) => {
    const attempt = emptyCounts();
    const userIds = [...new Set(batch.map(({ record }) => record.userId))];
    const erased = await erasedUserIds(manager, userIds, options.pseudonymKey);
    const stored = await lockAccounts(manager, userIds);
    const current = new Map(stored);
    const lastLine = new Map<string, number>();
    for (const { line, record } of batch) {
      if (erased.has(record.userId)) {
        attempt.erased += 1;
        continue;
      }
      const before = current.get(record.userId);
      const after = mergeRecord(before, record, options.realNames);
      if (before === undefined) attempt.inserted += 1;
      else if (sameAccount(before, after)) attempt.unchanged += 1;
      else attempt.updated += 1;
      current.set(record.userId, after);
      lastLine.set(record.userId, line);
    }
    const changes: AccountChange[] = [];
    for (const [userId, after] of current) {
      const before = stored.get(userId);
      if (before !== undefined && sameAccount(before, after)) continue;
      changes.push({ before, after, cause: `import ${source}:${lastLine.get(userId)}` });
    }
    await saveAccountChanges(manager, changes, options.stages, options.clock(), options.rules);
    // An erasure that began after the check above must not lose to this batch: checked again under a lock
    // (an erasure still being written is waited for), and the batch runs again, skipping it, if one did.
    const inserted = changes.filter((change) => change.before === undefined).map((change) => change.after.userId);
    if ((await erasedUserIds(manager, inserted, options.pseudonymKey, true)).size > 0) {
      throw new WriteConflict('an account being imported was erased meanwhile');
    }
    return { batchCounts: attempt, changedIds: changes.map((change) => change.after.userId) };
  });
  if (changedIds.length > 0) options.onCommitted?.(changedIds);
  return batchCounts;
}

/**
 * Imports one source's records; bad records are reported through onRejected and counted, good ones stored.
 * A failure throws ImportStopped with how far the import got.
 */
export async function importAccounts(
  dataSource: DataSource,
  source: string,
  records: AsyncIterable<ParsedLine>,
  options: ImportOptions,
  counts: ImportCounts = emptyCounts(),
): Promise<ImportProgress> {
  return importInBatches(source, records, (batch) => storeBatch(dataSource, source, batch, options), counts, options);
}

// Loads account records into the database: batched upserts, one transaction a batch, every change audited.
// Importing the same records twice leaves the same state (the second time everything is "unchanged"), so an
// import that stopped partway is finished by running it again.
import type { DataSource, EntityManager } from 'typeorm';
import type { PseudonymKey } from '../crypto/pseudonym-key';
import { lockAccounts, newAccount, sameAccount, saveAccountChanges, type AccountChange } from '../db/account-writes';
import { WriteConflict } from '../db/database-errors';
import { erasedAmong } from '../db/erasures';
import type { RealNames } from '../real-names/real-names';
import { inWriteTransaction } from '../db/write-transaction';
import type { AccountFacts, PolicyRules, PolicyStage } from '../policy/types';
import type { AccountRecord, ParsedLine } from './records';

export interface ImportCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Records of erased accounts: skipped, never stored. */
  erased: number;
}

export interface RejectedRecord {
  source: string;
  line: number;
  reason: string;
}

export interface ImportOptions {
  stages: readonly PolicyStage[];
  rules: PolicyRules;
  /** The time each batch is stamped with (audit entries, decisions). */
  clock: () => Date;
  batchSize: number;
  /** Seals new names; an unchanged one keeps its stored value. */
  realNames: RealNames;
  /** Erased accounts are recognized by their pseudonym under this key; undefined: none was ever erased. */
  pseudonymKey: PseudonymKey | undefined;
  onRejected: (rejected: RejectedRecord) => void;
  /** Called after every stored batch with the running totals. */
  onProgress?: (counts: ImportCounts) => void;
  /** Called once a batch has committed, with the accounts it changed (readers' caches forget them). */
  onCommitted?: (userIds: readonly string[]) => void;
  /** Aborted (Ctrl-C): the import stops before its next batch, and says how far it got. */
  signal?: AbortSignal;
}

/** How far an import got: everything up to `storedThroughLine` is stored (or was rejected), nothing after it. */
export interface ImportProgress {
  counts: ImportCounts;
  storedThroughLine: number;
  /** Stopped by the signal before the end of its input. */
  interrupted: boolean;
}

/** The import stopped on an error; `progress` says how far it got first. */
export class ImportStopped extends Error {
  override name = 'ImportStopped';
  constructor(
    readonly progress: ImportProgress,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

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

/**
 * The erased ones among these ids (none without a key: then nothing was ever erased). `lock` waits for an
 * erasure of them still being written: the check a writer makes again after it stored new accounts.
 */
export async function erasedIds(
  manager: EntityManager,
  userIds: readonly string[],
  key: PseudonymKey | undefined,
  lock = false,
): Promise<Set<string>> {
  if (key === undefined || userIds.length === 0) return new Set();
  const pseudonyms = new Map(userIds.map((userId) => [key.of(userId), userId]));
  const erased = await erasedAmong(manager, [...pseudonyms.keys()], lock);
  return new Set([...erased].map((pseudonym) => pseudonyms.get(pseudonym)!));
}

async function storeBatch(
  dataSource: DataSource,
  source: string,
  batch: { line: number; record: AccountRecord }[],
  counts: ImportCounts,
  options: ImportOptions,
): Promise<void> {
  // Counted per attempt: a transaction tried again counts afresh from what it then reads.
  const { batchCounts, changedIds } = await inWriteTransaction(dataSource, async (manager) => {
    const attempt = emptyCounts();
    const userIds = [...new Set(batch.map(({ record }) => record.userId))];
    const erased = await erasedIds(manager, userIds, options.pseudonymKey);
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
    if ((await erasedIds(manager, inserted, options.pseudonymKey, true)).size > 0) {
      throw new WriteConflict('an account being imported was erased meanwhile');
    }
    return { batchCounts: attempt, changedIds: changes.map((change) => change.after.userId) };
  });
  if (changedIds.length > 0) options.onCommitted?.(changedIds);
  // Counted only once the batch is committed: a failed batch must not be reported as stored.
  counts.inserted += batchCounts.inserted;
  counts.updated += batchCounts.updated;
  counts.unchanged += batchCounts.unchanged;
  counts.erased += batchCounts.erased;
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
  const progress: ImportProgress = { counts, storedThroughLine: 0, interrupted: false };
  let batch: { line: number; record: AccountRecord }[] = [];
  const store = async () => {
    await storeBatch(dataSource, source, batch, counts, options);
    progress.storedThroughLine = batch.at(-1)?.line ?? progress.storedThroughLine;
    batch = [];
    options.onProgress?.(counts);
  };
  try {
    for await (const parsed of records) {
      if (options.signal?.aborted) {
        progress.interrupted = true;
        return progress;
      }
      if (parsed.error !== undefined) {
        counts.rejected += 1;
        options.onRejected({ source, line: parsed.line, reason: parsed.error });
        continue;
      }
      batch.push(parsed);
      if (batch.length >= options.batchSize) await store();
    }
    if (options.signal?.aborted) progress.interrupted = true;
    else if (batch.length > 0) await store();
    else options.onProgress?.(counts);
    return progress;
  } catch (error) {
    throw new ImportStopped(progress, error);
  }
}

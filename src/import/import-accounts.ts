// Loads account records into the database: batched upserts, one transaction a batch, every change audited.
// Importing the same records twice leaves the same state (the second time everything is "unchanged").
import type { DataSource } from 'typeorm';
import { lockAccounts, newAccount, sameAccount, saveAccountChanges, type AccountChange } from '../db/account-writes';
import type { RealNames } from '../db/real-names';
import type { AccountFacts, PolicyRules, PolicyStage } from '../policy/types';
import type { AccountRecord, ParsedLine } from './records';

export interface ImportCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
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
  onRejected: (rejected: RejectedRecord) => void;
  /** Called after every stored batch with the running totals. */
  onProgress?: (counts: ImportCounts) => void;
}

export function emptyCounts(): ImportCounts {
  return { inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
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
  counts: ImportCounts,
  options: ImportOptions,
): Promise<void> {
  const batchCounts = emptyCounts();
  await dataSource.transaction(async (manager) => {
    const stored = await lockAccounts(manager, [...new Set(batch.map(({ record }) => record.userId))]);
    const current = new Map(stored);
    const lastLine = new Map<string, number>();
    for (const { line, record } of batch) {
      const before = current.get(record.userId);
      const after = mergeRecord(before, record, options.realNames);
      if (before === undefined) batchCounts.inserted += 1;
      else if (sameAccount(before, after)) batchCounts.unchanged += 1;
      else batchCounts.updated += 1;
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
  });
  // Counted only once the batch is committed: a failed batch must not be reported as stored.
  counts.inserted += batchCounts.inserted;
  counts.updated += batchCounts.updated;
  counts.unchanged += batchCounts.unchanged;
}

/** Imports one source's records; bad records are reported through onRejected and counted, good ones stored. */
export async function importAccounts(
  dataSource: DataSource,
  source: string,
  records: AsyncIterable<ParsedLine>,
  options: ImportOptions,
  counts: ImportCounts = emptyCounts(),
): Promise<ImportCounts> {
  let batch: { line: number; record: AccountRecord }[] = [];
  for await (const parsed of records) {
    if (parsed.error !== undefined) {
      counts.rejected += 1;
      options.onRejected({ source, line: parsed.line, reason: parsed.error });
      continue;
    }
    batch.push(parsed);
    if (batch.length >= options.batchSize) {
      await storeBatch(dataSource, source, batch, counts, options);
      batch = [];
      options.onProgress?.(counts);
    }
  }
  if (batch.length > 0) await storeBatch(dataSource, source, batch, counts, options);
  options.onProgress?.(counts);
  return counts;
}

// Moves stored real names onto the current key, a batch at a time: `identity-labels keys encrypt` (rows still
// in plain text) and `keys rotate` (those, and every name under another key). Each batch is one short write
// transaction: its rows are locked and re-read, each name is opened and sealed anew, and one UPDATE
// (db/account-rows.ts) writes both name columns of every row at once, so a reader sees a row plain or
// encrypted, never half. Interrupted, it loses at most the batch in flight; run again, it finds what is left
// and carries on.
import type { DataSource } from 'typeorm';
import { keyIdOf, RealNameUnreadableError } from '../crypto/real-name-cipher';
import type { RealNameKeys } from '../crypto/real-name-keys';
import type { AccountFacts } from '../policy/types';
import {
  countNamesToReseal,
  storedNameCounts,
  storeResealedNames,
  userIdsWithNamesToReseal,
  type NamesToReseal,
  type StoredNameCounts,
} from '../db/account-rows';
import { lockAccounts } from '../db/account-writes';
import { inWriteTransaction } from '../db/write-transaction';
import { StoredRealName, type RealNames } from '../real-names/real-names';

export type { StoredNameCounts } from '../db/account-rows';

/** `plain`: names not encrypted yet. `not-current`: those, and names under any key but the current one. */
export type ReencryptScope = 'plain' | 'not-current';

export interface ReencryptProgress {
  /** Names now under the current key. */
  reencrypted: number;
  /** Names that could not be read, left as they are (see onUnreadable). */
  unreadable: number;
}

export interface ReencryptOptions {
  scope: ReencryptScope;
  batchSize: number;
  onBatch?: (progress: ReencryptProgress) => void;
  /** A name that cannot be opened (its key is not configured, it was tampered with): it stays as it is. */
  onUnreadable?: (userId: string, error: RealNameUnreadableError) => void;
}

function namesIn(scope: ReencryptScope, keys: RealNameKeys): NamesToReseal {
  return { notUnderKeyId: scope === 'plain' ? undefined : keys.currentId };
}

function needsReencryption(account: AccountFacts, scope: ReencryptScope, keys: RealNameKeys): boolean {
  const name = account.realName;
  if (!(name instanceof StoredRealName)) return false;
  if (name.encrypted === null) return true;
  return scope === 'not-current' && keyIdOf(name.encrypted) !== keys.currentId;
}

/** How many rows the scope holds now (the progress total). */
export async function countToReencrypt(
  dataSource: DataSource,
  scope: ReencryptScope,
  keys: RealNameKeys,
): Promise<number> {
  return countNamesToReseal(dataSource, namesIn(scope, keys));
}

/** One batch, sealed anew: what was stored, and the names that could not be read. */
interface BatchOutcome {
  reencrypted: number;
  unreadable: [userId: string, error: RealNameUnreadableError][];
}

export async function reencryptRealNames(
  dataSource: DataSource,
  realNames: RealNames,
  options: ReencryptOptions,
): Promise<ReencryptProgress> {
  const keys = realNames.keys;
  if (keys === undefined) throw new Error('REAL_NAME_KEYS is not set: there is no key to encrypt under');
  const names = namesIn(options.scope, keys);
  const progress: ReencryptProgress = { reencrypted: 0, unreadable: 0 };
  let after = '';
  for (;;) {
    // Read without a lock: the batch is locked and re-read below, in its own short transaction.
    const batch = await userIdsWithNamesToReseal(dataSource, names, after, options.batchSize);
    const last = batch.at(-1);
    if (last === undefined) return progress;
    // Run again on a conflict or a lost connection, which is safe: each attempt re-reads its rows under lock
    // and decides afresh which names still need sealing. So the outcome is counted only once it is committed.
    const outcome = await inWriteTransaction(dataSource, async (manager): Promise<BatchOutcome> => {
      const resealed: StoredRealName[] = [];
      const unreadable: BatchOutcome['unreadable'] = [];
      for (const account of (await lockAccounts(manager, batch)).values()) {
        if (!needsReencryption(account, options.scope, keys)) continue; // another writer got there first
        try {
          resealed.push(realNames.reseal(account.realName!));
        } catch (error) {
          if (!(error instanceof RealNameUnreadableError)) throw error;
          unreadable.push([account.userId, error]);
        }
      }
      await storeResealedNames(manager, resealed);
      return { reencrypted: resealed.length, unreadable };
    });
    progress.reencrypted += outcome.reencrypted;
    progress.unreadable += outcome.unreadable.length;
    for (const [userId, error] of outcome.unreadable) options.onUnreadable?.(userId, error);
    after = last;
    options.onBatch?.({ ...progress });
  }
}

/** How the stored names stand: how many are plain text, how many under each key (`keys status`). MySQL only. */
export function countStoredNames(dataSource: DataSource): Promise<StoredNameCounts> {
  return storedNameCounts(dataSource);
}

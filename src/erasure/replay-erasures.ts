// The restore drill: a database restored from a backup taken before some erasures holds those accounts
// again. Replaying the live database's tombstones forgets them once more: each tombstone is written here,
// and every id this database holds whose pseudonym is among them is erased (erase-accounts.ts).
import type { DataSource } from 'typeorm';
import { inWriteTransaction } from '../db/write-transaction';
import { userIdsHeld, writeTombstones, type Tombstone } from '../db/erasures';
import { eraseAccounts, type ErasureOptions } from './erase-accounts';

export interface ReplayResult {
  tombstones: number;
  /** Accounts this database still held that the tombstones say were erased. */
  erased: number;
}

export async function replayErasures(
  dataSource: DataSource,
  tombstones: readonly Tombstone[],
  options: Omit<ErasureOptions, 'onOutcome'>,
): Promise<ReplayResult> {
  // Their own times first: an erasure replayed keeps the time it was made.
  for (let start = 0; start < tombstones.length; start += options.batchSize) {
    const batch = tombstones.slice(start, start + options.batchSize);
    await inWriteTransaction(dataSource, (manager) => writeTombstones(manager, batch));
  }
  const erasedPseudonyms = new Set(tombstones.map((tombstone) => tombstone.pseudonym));
  const held = (await userIdsHeld(dataSource)).filter((userId) =>
    erasedPseudonyms.has(options.pseudonymKey.of(userId)),
  );
  const counts = await eraseAccounts(dataSource, held, options);
  return { tombstones: tombstones.length, erased: counts.erased };
}

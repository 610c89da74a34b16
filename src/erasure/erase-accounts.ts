// Erasure (PIPL Art. 47): an account's data is forgotten when the account closes. Everything held under the
// id goes in one transaction per batch (db/erasures.ts); what stays is proof that notice and consent
// happened (the audit entries, under a keyed pseudonym) and a tombstone that keeps the id from coming back
// with a later import or event. Erasing again changes nothing; an id never held is reported, and remembered.
import type { DataSource, EntityManager } from 'typeorm';
import type { PseudonymKey } from '../crypto/pseudonym-key';
import { lockAccounts } from '../db/account-writes';
import { eraseAccountRows, erasedAmong, userIdsHeldAmong, writeTombstones } from '../db/erasures';
import { inWriteTransaction } from '../db/write-transaction';
import { erasureEvent } from '../policy/audit-events';
import type { PolicyRules, PolicyStage } from '../policy/types';

/** `erased`: data was held and is gone. `already-erased`: nothing held, erased before. `unknown`: never held. */
export type ErasureOutcome = 'erased' | 'already-erased' | 'unknown';

export interface ErasureOptions {
  pseudonymKey: PseudonymKey;
  stages: readonly PolicyStage[];
  rules: PolicyRules;
  now: Date;
  /** What asked for it, for the audit log: "command accounts erase", "event account.closed". */
  cause: string;
  /** Accounts per transaction. */
  batchSize: number;
  /** Once a batch has committed: every instance forgets these accounts. */
  onCommitted: (userIds: readonly string[]) => void;
  /** Once a batch has committed, with the outcome of each of its ids. */
  onOutcome?: (userId: string, outcome: ErasureOutcome) => void;
}

export type ErasureCounts = Record<ErasureOutcome, number>;

/**
 * Erases the accounts in the caller's transaction (the event consumer erases within its batch's); returns
 * each id's outcome. Running it again changes nothing.
 */
export async function eraseWithin(
  manager: EntityManager,
  userIds: readonly string[],
  options: Pick<ErasureOptions, 'pseudonymKey' | 'stages' | 'rules' | 'now' | 'cause'>,
): Promise<Map<string, ErasureOutcome>> {
  const pseudonymOf = new Map(userIds.map((userId) => [userId, options.pseudonymKey.of(userId)]));
  const pseudonyms = [...pseudonymOf.values()];
  const erasedBefore = await erasedAmong(manager, pseudonyms);
  // The tombstones first, then the rows under lock: a writer that stored one of these accounts before seeing
  // a tombstone is waited for here (its new row is locked until it commits) and its row erased after it;
  // one that checks after this point waits for this transaction and then sees the tombstone.
  await writeTombstones(
    manager,
    pseudonyms.map((pseudonym) => ({ pseudonym, erasedAt: options.now })),
  );
  const accounts = await lockAccounts(manager, userIds);
  const held = await userIdsHeldAmong(manager, userIds);
  const outcomes = new Map<string, ErasureOutcome>();
  const erasures = [];
  for (const userId of userIds) {
    const pseudonym = pseudonymOf.get(userId)!;
    if (held.has(userId)) {
      const erased = erasureEvent(accounts.get(userId), options.stages, options.now, options.rules);
      erasures.push({ userId, pseudonym, erased });
      outcomes.set(userId, 'erased');
    } else {
      // An id never held is remembered too: a later import of a closed account must not bring it in.
      outcomes.set(userId, erasedBefore.has(pseudonym) ? 'already-erased' : 'unknown');
    }
  }
  await eraseAccountRows(manager, erasures, options.now, options.cause);
  return outcomes;
}

/** Erases the accounts, a batch per transaction; returns how many ended each way. */
export async function eraseAccounts(
  dataSource: DataSource,
  userIds: readonly string[],
  options: ErasureOptions,
): Promise<ErasureCounts> {
  const counts: ErasureCounts = { erased: 0, 'already-erased': 0, unknown: 0 };
  const distinct = [...new Set(userIds)];
  for (let start = 0; start < distinct.length; start += options.batchSize) {
    const batch = distinct.slice(start, start + options.batchSize);
    const outcomes = await inWriteTransaction(dataSource, (manager) => eraseWithin(manager, batch, options));
    // Told even for ids held nowhere here: another instance may still have cached one of them.
    options.onCommitted(batch);
    for (const [userId, outcome] of outcomes) {
      counts[outcome] += 1;
      options.onOutcome?.(userId, outcome);
    }
  }
  return counts;
}

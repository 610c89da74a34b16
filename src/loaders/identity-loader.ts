// The per-request batch: every User and Post reference in one request becomes one account read.
//
// Contract: created per request (it holds the viewer), so nothing decided for one viewer is seen by another.
// Keys are user ids; each distinct id is read once; the labels come back in key order, one per key; batches
// larger than `maxBatchSize` are split into several reads, so the IN list stays bounded. When the accounts
// cannot be read, every key of that batch gets the IDENTITY_UNAVAILABLE error instead of a label; when one
// account's real name is due but cannot be decrypted, that key alone gets it.
import DataLoader from 'dataloader';
import { RealNameUnreadableError } from '../crypto/real-name-cipher';
import { identityUnavailable } from '../errors';
import { decideIdentityLabel, type IdentityLabel, type LabelSettings } from '../policy/label';
import type { AccountFacts, PolicyStage, RealNameOpener, Viewer } from '../policy/types';

/** Where the loader gets account rows from (the read path's AccountReader). */
export interface AccountSource {
  read(userIds: readonly string[]): Promise<AccountFacts[]>;
}

export interface IdentityLoaderOptions {
  accounts: AccountSource;
  /** The stages in force for this request (the in-memory policy). */
  stages: () => readonly PolicyStage[];
  clock: () => Date;
  /** Called by the viewer gate for each name it reveals to this viewer, and for no other. */
  openRealName: RealNameOpener;
  viewer: Viewer;
  settings: LabelSettings;
  maxBatchSize: number;
}

/**
 * The label of one account for this viewer, or IDENTITY_UNAVAILABLE when its real name is due but cannot be
 * decrypted (a key that is not configured, a tampered value): the nickname stands in, as when the database
 * is down, and the other accounts of the batch are not affected.
 */
export function labelOrUnavailable(...args: Parameters<typeof decideIdentityLabel>): IdentityLabel | Error {
  try {
    return decideIdentityLabel(...args);
  } catch (error) {
    if (error instanceof RealNameUnreadableError) return identityUnavailable(error);
    throw error;
  }
}

export type IdentityLoader = DataLoader<string, IdentityLabel>;

export function createIdentityLoader(options: IdentityLoaderOptions): IdentityLoader {
  const { accounts, stages, clock, openRealName, viewer, settings } = options;
  return new DataLoader<string, IdentityLabel>(
    async (userIds) => {
      let rows: AccountFacts[];
      try {
        rows = await accounts.read(userIds);
      } catch (error) {
        throw identityUnavailable(error);
      }
      // The IN query returns rows in any order and omits unknown ids: map them back by key.
      const byUserId = new Map(rows.map((account) => [account.userId, account]));
      const now = clock();
      const inForce = stages();
      return userIds.map((userId) =>
        labelOrUnavailable(byUserId.get(userId), inForce, now, viewer, settings, openRealName),
      );
    },
    { maxBatchSize: options.maxBatchSize },
  );
}

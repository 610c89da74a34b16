// The per-request batch: every User and Post reference in one request becomes one account read.
//
// Contract: created per request (it holds the viewer), so nothing decided for one viewer is seen by another.
// Keys are user ids; each distinct id is read once; the labels come back in key order, one per key; batches
// larger than `maxBatchSize` are split into several reads, so the IN list stays bounded. When the accounts
// cannot be read, every key of that batch gets the IDENTITY_UNAVAILABLE error instead of a label.
import DataLoader from 'dataloader';
import { identityUnavailable } from '../errors';
import { decideIdentityLabel, type IdentityLabel, type LabelSettings } from '../policy/label';
import type { AccountFacts, PolicyStage, Viewer } from '../policy/types';

/** Where the loader gets account rows from (the read path's AccountReader). */
export interface AccountSource {
  read(userIds: readonly string[]): Promise<AccountFacts[]>;
}

export interface IdentityLoaderOptions {
  accounts: AccountSource;
  /** The stages in force for this request (the in-memory policy). */
  stages: () => readonly PolicyStage[];
  clock: () => Date;
  viewer: Viewer;
  settings: LabelSettings;
  maxBatchSize: number;
}

export type IdentityLoader = DataLoader<string, IdentityLabel>;

export function createIdentityLoader(options: IdentityLoaderOptions): IdentityLoader {
  const { accounts, stages, clock, viewer, settings } = options;
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
      return userIds.map((userId) => decideIdentityLabel(byUserId.get(userId), inForce, now, viewer, settings));
    },
    { maxBatchSize: options.maxBatchSize },
  );
}

// The per-request batch: every User and Post reference in one request becomes one account query.
//
// Contract: created per request (it holds the viewer), so nothing decided for one viewer is seen by another.
// Keys are user ids; each distinct id is asked once; results come back in key order; batches larger than
// `maxBatchSize` are split into several queries, so the IN list stays bounded.
import DataLoader from 'dataloader';
import { identityUnavailable } from '../errors';
import { identityLabel, type IdentityLabelView, type LabelSettings } from '../policy/label';
import type { AccountFacts, Stage, Viewer } from '../policy/types';

export interface IdentityLoaderDeps {
  findAccounts(userIds: readonly string[]): Promise<AccountFacts[]>;
  stages(): readonly Stage[];
  now(): Date;
  viewer: Viewer;
  settings: LabelSettings;
  maxBatchSize: number;
}

export type IdentityLoader = DataLoader<string, IdentityLabelView>;

export function createIdentityLoader(deps: IdentityLoaderDeps): IdentityLoader {
  return new DataLoader<string, IdentityLabelView>(
    async (userIds) => {
      let accounts: AccountFacts[];
      try {
        accounts = await deps.findAccounts(userIds);
      } catch (error) {
        throw identityUnavailable(error);
      }
      // The IN query returns rows in any order and omits unknown ids: map them back by key.
      const byUserId = new Map(accounts.map((account) => [account.userId, account]));
      const now = deps.now();
      const stages = deps.stages();
      return userIds.map((userId) => identityLabel(byUserId.get(userId), stages, now, deps.viewer, deps.settings));
    },
    { maxBatchSize: deps.maxBatchSize },
  );
}

// The read path's sources: account rows behind the row cache, kept true by the change feed, IP locations,
// and professional labels (no cache: what is in force is decided at read time). Every instance subscribes to
// the feed; what any writer changes, every cache forgets.
import type { Logger } from 'pino';
import { ChangeFeed } from '../changes/change-feed';
import type { Config } from '../config';
import { AccountReader } from '../db/account-reader';
import { IpLocationReader } from '../db/ip-location-reader';
import { ProfessionalReader } from '../db/professional-reader';
import type { Metrics } from '../observability/metrics';
import type { Lifecycle } from './lifecycle';
import type { Storage } from './storage';

export interface ReadPath {
  accounts: AccountReader;
  ipLocations: IpLocationReader;
  professional: ProfessionalReader;
  changes: ChangeFeed;
}

export function openChangeFeed(config: Config, log: Logger, metrics: Metrics, lifecycle: Lifecycle): ChangeFeed {
  const changes = new ChangeFeed({
    url: config.redisUrl,
    channel: config.redisChannel,
    log,
    observer: {
      published: (outcome) => metrics.changesPublished.inc({ outcome }),
      received: () => metrics.changesReceived.inc(),
    },
  });
  lifecycle.add(() => changes.close());
  if (config.redisUrl !== undefined) metrics.watchChangeFeed(() => changes.state());
  return changes;
}

export function openReadPath(
  config: Config,
  storage: Storage,
  changes: ChangeFeed,
  log: Logger,
  metrics: Metrics,
  lifecycle: Lifecycle,
): ReadPath {
  const accounts = new AccountReader(
    storage.reads,
    {
      timeoutMs: config.dbQueryTimeoutMs,
      cache: {
        ...config.accountCache,
        // A row read on a replica right after a change may predate it: not kept while the replica may lag
        // (its lag is told in whole seconds: "0" is anything under one).
        settleMs: config.replicaUrls.length > 0 ? (config.replicas.maxLagSeconds + 1) * 1000 : 0,
        refreshBatchSize: config.maxInList,
      },
      cacheTrusted: changes.cacheTrusted,
    },
    log,
    metrics,
  );
  lifecycle.add(() => accounts.stop());
  changes.subscribe({
    forget: (userIds) => accounts.forget(userIds),
    forgetAll: () => accounts.forgetAll(),
    // Coalesced and never rejected: a burst of messages is one reload, a failure one warning an interval.
    policyChanged: () => void storage.stages.refresh(),
  });
  if (config.databaseUrl !== undefined && config.accountCache.ttlMs > 0 && config.redisUrl === undefined) {
    log.info(
      { ttlMs: config.accountCache.ttlMs },
      'account cache without REDIS_URL: writes made by other processes are seen within ACCOUNT_CACHE_TTL_MS',
    );
  }
  const ipLocations = new IpLocationReader(storage.reads, config.dbQueryTimeoutMs, log);
  const professional = new ProfessionalReader(storage.reads, config.dbQueryTimeoutMs, log);
  return { accounts, ipLocations, professional, changes };
}

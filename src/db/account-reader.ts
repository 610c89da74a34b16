// The read path's account reads, in one chain: the row cache (when it is on), then one
// SELECT ... WHERE user_id IN (...) on a replica in rotation (or the primary), timed, bounded in time and retried
// once on a dead connection.
// A failure is logged here, with its cause, and thrown on: the caller degrades the labels it was for.
import type { Logger } from 'pino';
import { errorForLog } from '../errors';
import type { AccountFacts } from '../policy/types';
import { AccountCache, type AccountCacheSettings, type CacheTrust, type NotedAccount } from './account-cache';
import { selectAccountsKeeping, type HeldAccount } from './account-rows';
import { boundedRead } from './bounded-read';
import type { ReadReplicas } from './read-replicas';
import { poolSql } from './pool-sql';

/** Sees every account query of the read path (metrics time them and count their ids). */
export interface LookupTimer {
  timeLookup<T>(batchSize: number, lookup: () => Promise<T>): Promise<T>;
}

export interface AccountReaderSettings {
  /** Longest wait for one read, queueing for a pooled connection included. */
  timeoutMs: number;
  cache: AccountCacheSettings;
  /** May the cache serve rows now? (Not while the change feed is down.) */
  cacheTrusted?: CacheTrust;
}

export class AccountReader {
  private readonly cache: AccountCache;

  constructor(
    private readonly reads: ReadReplicas,
    private readonly settings: AccountReaderSettings,
    private readonly log: Logger,
    private readonly timer?: LookupTimer,
  ) {
    this.cache = new AccountCache((userIds, held) => this.query(userIds, held), settings.cache, settings.cacheTrusted);
  }

  /** The rows of these ids, in any order; ids the service has never seen have none. */
  read(userIds: readonly string[]): Promise<AccountFacts[]> {
    return this.cache.read(userIds);
  }

  /** Each id's row in order, with its note, while the row cache is on and trusted; undefined: use `read`. */
  readNoted(userIds: readonly string[]): Promise<NotedAccount[]> | undefined {
    return this.cache.readNoted(userIds);
  }

  /** After a committed change to these accounts: the next read of them goes to the database. */
  forget(userIds: readonly string[]): void {
    this.cache.forget(userIds);
  }

  /** After a change whose accounts are not listed one by one (a notify run, a policy change). */
  forgetAll(): void {
    this.cache.forgetAll();
  }

  /** At shutdown, before the pool closes: the cache's background reads end. */
  stop(): Promise<void> {
    return this.cache.stop();
  }

  private async query(userIds: readonly string[], held?: HeldAccount): Promise<AccountFacts[]> {
    const bounded = () =>
      boundedRead(
        () => this.reads.read((dataSource) => selectAccountsKeeping(poolSql(dataSource), userIds, held)),
        this.settings.timeoutMs,
        'account lookup',
      );
    try {
      return await (this.timer === undefined ? bounded() : this.timer.timeLookup(userIds.length, bounded));
    } catch (error) {
      this.log.warn({ err: errorForLog(error), ids: userIds.length }, 'account lookup failed');
      throw error;
    }
  }
}

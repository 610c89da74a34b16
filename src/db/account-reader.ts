// The read path's account reads, in one chain: the row cache (when it is on), then one
// SELECT ... WHERE user_id IN (...) that is timed, bounded in time and retried once on a dead connection.
// A failure is logged here, with its cause, and thrown on: the caller degrades the labels it was for.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { errorForLog } from '../errors';
import type { AccountFacts } from '../policy/types';
import { AccountCache, type AccountCacheSettings } from './account-cache';
import { selectAccounts } from './account-rows';
import { boundedRead } from './bounded-read';

/** Sees every account query of the read path (metrics time them and count their ids). */
export interface LookupTimer {
  timeLookup<T>(batchSize: number, lookup: () => Promise<T>): Promise<T>;
}

export interface AccountReaderSettings {
  /** Longest wait for one read, queueing for a pooled connection included. */
  timeoutMs: number;
  cache: AccountCacheSettings;
}

export class AccountReader {
  private readonly cache: AccountCache;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: AccountReaderSettings,
    private readonly log: Logger,
    private readonly timer?: LookupTimer,
  ) {
    this.cache = new AccountCache((userIds) => this.query(userIds), settings.cache);
  }

  /** The rows of these ids, in any order; ids the service has never seen have none. */
  read(userIds: readonly string[]): Promise<AccountFacts[]> {
    return this.cache.read(userIds);
  }

  /** After a committed write to these accounts: the next read of them goes to the database. */
  forget(userIds: readonly string[]): void {
    this.cache.forget(userIds);
  }

  /** After a write whose accounts are not listed one by one (a notify run). */
  forgetAll(): void {
    this.cache.forgetAll();
  }

  private async query(userIds: readonly string[]): Promise<AccountFacts[]> {
    const bounded = () =>
      boundedRead(() => selectAccounts(this.dataSource, userIds), this.settings.timeoutMs, 'account lookup');
    try {
      return await (this.timer === undefined ? bounded() : this.timer.timeLookup(userIds.length, bounded));
    } catch (error) {
      this.log.warn({ err: errorForLog(error), ids: userIds.length }, 'account lookup failed');
      throw error;
    }
  }
}

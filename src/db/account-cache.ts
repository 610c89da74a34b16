// A short-lived copy of account rows shared by all requests (ACCOUNT_CACHE_TTL_MS; 0 turns it off). It holds
// facts only, never a decision: the label and the viewer gate are computed from the row per request, after
// the cache, so one viewer's answer can never be served to another.
//
// Staleness: a write made by this process (a consent answer, the server's notify run) is visible at once:
// the rows are forgotten after the write, and a read that was in flight during a write does not fill the
// cache. A write made elsewhere (the identity-labels command, another instance) is forgotten when its change
// arrives on the shared change feed (REDIS_URL); while that feed is down the cache is bypassed, and without
// one such a write is seen within the TTL. Deadlines need no invalidation: the status is computed from the
// row and the current time on every request.
import type { AccountFacts } from '../policy/types';
import { ExpiringMap } from './expiring-map';

export interface AccountCacheSettings {
  /** How long a row may be served from memory; 0 turns the cache off. */
  ttlMs: number;
  /** At most this many ids are held (least recently used go first). */
  maxEntries: number;
  /**
   * After a change to an id, rows of it read within this window are served but not kept: a replica may not
   * have applied the change yet, and a row read there must not outlive its lag (REPLICA_MAX_LAG_SECONDS).
   */
  settleMs?: number;
}

/** An id the database has no row for: remembered too, most references in a feed are of such accounts. */
const NO_ACCOUNT = Symbol('no account');

/** Reads the rows of ids the cache does not hold (unknown ids have none). */
type ReadMissing = (userIds: readonly string[]) => Promise<AccountFacts[]>;

/** May rows be served from memory now? (Not while the change feed that keeps them true is down.) */
export type CacheTrust = () => boolean;

export class AccountCache {
  private readonly rows: ExpiringMap<AccountFacts | typeof NO_ACCOUNT> | undefined;
  /** Ids changed within `settleMs`: read, but not kept. */
  private readonly settling: ExpiringMap<true> | undefined;
  /** After a change to every account, nothing is kept until then. */
  private settledAt = 0;
  /** Bumped by every forget(): a read that started before it must not store what it read. */
  private generation = 0;

  constructor(
    private readonly readMissing: ReadMissing,
    private readonly settings: AccountCacheSettings,
    private readonly trusted: CacheTrust = () => true,
  ) {
    this.rows = settings.ttlMs > 0 ? new ExpiringMap(settings.ttlMs, settings.maxEntries) : undefined;
    const settleMs = settings.settleMs ?? 0;
    this.settling =
      this.rows !== undefined && settleMs > 0 ? new ExpiringMap(settleMs, settings.maxEntries) : undefined;
  }

  /** The rows of these ids (unknown ids have none): cached ones from memory, the rest in one query. */
  async read(userIds: readonly string[]): Promise<AccountFacts[]> {
    const rows = this.rows;
    if (rows === undefined) return this.readMissing(userIds);
    if (!this.trusted()) {
      if (rows.size > 0) rows.clear(); // what it holds may have changed unseen: start afresh when trusted again
      return this.readMissing(userIds);
    }
    const found: AccountFacts[] = [];
    const missing: string[] = [];
    const now = Date.now();
    for (const userId of userIds) {
      const cached = rows.get(userId, now);
      if (cached === undefined) missing.push(userId);
      else if (cached !== NO_ACCOUNT) found.push(cached);
    }
    if (missing.length === 0) return found;
    const generation = this.generation;
    const read = await this.readMissing(missing);
    const readAt = Date.now();
    const keep = generation === this.generation && this.trusted() && readAt >= this.settledAt;
    const byUserId = new Map<string, AccountFacts>();
    for (const account of read) {
      // Shared by every request from now on: nobody may change it in place.
      const shared = Object.freeze(account);
      byUserId.set(account.userId, shared);
      found.push(shared);
    }
    if (keep) {
      for (const userId of missing) {
        if (this.settling?.has(userId, readAt) !== true) rows.set(userId, byUserId.get(userId) ?? NO_ACCOUNT, readAt);
      }
    }
    return found;
  }

  /** After these accounts changed (once the write is committed). */
  forget(userIds: readonly string[]): void {
    this.generation += 1;
    for (const userId of userIds) {
      this.rows?.delete(userId);
      this.settling?.set(userId, true, Date.now());
    }
  }

  /** After a change whose accounts are not listed one by one (a notify run, a policy change). */
  forgetAll(): void {
    this.generation += 1;
    this.rows?.clear();
    this.settledAt = Date.now() + (this.settings.settleMs ?? 0);
  }
}

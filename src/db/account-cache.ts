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
//
// Refresh ahead: a row served in the last quarter of its TTL is read again in the background, together with
// every other such row of the moment (one query for up to `refreshBatchSize` of them), so that a row in use is
// replaced before it expires and requests do not wait for the database, one small query each. A row is never
// served past its TTL either way. A row read again unchanged keeps the object the cache holds, and with it what
// was learnt from it (its opened name): nothing new for the garbage collector.
import { untraced } from '../observability/tracing';
import type { AccountFacts } from '../policy/types';
import type { HeldAccount } from './account-rows';
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
  /** Most rows read again ahead of their expiry in one query (MAX_IN_LIST); 0: no refresh ahead. */
  refreshBatchSize?: number;
}

/** A row is read again ahead when it is served within this share of its TTL from expiring. */
const REFRESH_AHEAD_SHARE = 0.25;

/** An id the database has no row for: remembered too, most references in a feed are of such accounts. */
const NO_ACCOUNT = Symbol('no account');
type CachedRow = AccountFacts | typeof NO_ACCOUNT;

/**
 * Reads the rows of ids the cache does not hold (unknown ids have none); a row that still says what the account
 * `held` for its id says comes back as that very object.
 */
type ReadMissing = (userIds: readonly string[], held?: HeldAccount) => Promise<AccountFacts[]>;

/** May rows be served from memory now? (Not while the change feed that keeps them true is down.) */
export type CacheTrust = () => boolean;

export class AccountCache {
  private readonly rows: ExpiringMap<CachedRow> | undefined;
  /** Ids changed within `settleMs`: read, but not kept. */
  private readonly settling: ExpiringMap<true> | undefined;
  /** After a change to every account, nothing is kept until then. */
  private settledAt = 0;
  /** Bumped by every forget(): a read that started before it must not store what it read. */
  private generation = 0;
  /** Ids to read again ahead of their expiry, and those being read. */
  private due = new Set<string>();
  private refreshing: ReadonlySet<string> = new Set();
  private readonly refreshAheadMs: number;
  private readonly refreshDelayMs: number;
  /** The refresh under way; after stop(), none is started. */
  private refreshRun: Promise<void> | undefined;
  private stopped = false;
  private readonly refreshBatchSize: number;

  constructor(
    private readonly readMissing: ReadMissing,
    private readonly settings: AccountCacheSettings,
    private readonly trusted: CacheTrust = () => true,
  ) {
    this.rows = settings.ttlMs > 0 ? new ExpiringMap(settings.ttlMs, settings.maxEntries) : undefined;
    const settleMs = settings.settleMs ?? 0;
    this.settling =
      this.rows !== undefined && settleMs > 0 ? new ExpiringMap(settleMs, settings.maxEntries) : undefined;
    this.refreshAheadMs = settings.ttlMs * REFRESH_AHEAD_SHARE;
    this.refreshDelayMs = Math.min(50, this.refreshAheadMs / 10);
    this.refreshBatchSize = settings.refreshBatchSize ?? 1000;
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
    const refreshBy = now + this.refreshAheadMs;
    for (const userId of userIds) {
      const entry = rows.entry(userId, now);
      if (entry === undefined) {
        missing.push(userId);
        continue;
      }
      if (entry.value !== NO_ACCOUNT) found.push(entry.value);
      if (entry.expiresAt <= refreshBy) this.refreshAhead(userId);
    }
    if (missing.length === 0) return found;
    const generation = this.generation;
    const read = await this.readMissing(missing, this.held);
    for (const row of this.store(rows, missing, read, generation)) found.push(row);
    return found;
  }

  /** The row held for an id, expired or not: a row read again unchanged is that object, and stays in use. */
  private readonly held: HeldAccount = (userId) => {
    const row = this.rows?.held(userId);
    return row === NO_ACCOUNT ? undefined : row;
  };

  /** The rows read for these ids, shared from now on, and kept unless a change came while they were read. */
  private store(
    rows: ExpiringMap<CachedRow>,
    userIds: readonly string[],
    read: readonly AccountFacts[],
    generation: number,
  ): AccountFacts[] {
    const readAt = Date.now();
    const keep = generation === this.generation && this.trusted() && readAt >= this.settledAt;
    // Shared by every request from now on: nobody may change them in place.
    const shared = read.map((account) => Object.freeze(account));
    if (!keep) return shared;
    const byUserId = new Map<string, AccountFacts>();
    for (const row of shared) byUserId.set(row.userId, row);
    for (const userId of userIds) {
      if (this.settling?.has(userId, readAt) !== true) rows.set(userId, byUserId.get(userId) ?? NO_ACCOUNT, readAt);
    }
    return shared;
  }

  private refreshAhead(userId: string): void {
    if (this.stopped || this.due.size >= this.refreshBatchSize || this.due.has(userId) || this.refreshing.has(userId))
      return;
    this.due.add(userId);
    if (this.due.size === 1 && this.refreshing.size === 0) this.refreshSoon();
  }

  /** Reads the due ids again, then the ids that became due meanwhile. A failure was logged by the reader. */
  private async refresh(): Promise<void> {
    const rows = this.rows;
    if (rows === undefined || this.due.size === 0) return;
    const userIds = [...this.due];
    this.refreshing = this.due;
    this.due = new Set();
    const generation = this.generation;
    try {
      this.store(rows, userIds, await this.readMissing(userIds, this.held), generation);
    } catch {
      // The rows expire as they would have; the requests after that read them themselves.
    } finally {
      this.refreshing = new Set();
    }
    if (this.due.size > 0 && !this.stopped) this.refreshSoon();
  }

  /**
   * A little later (a tenth of the refresh window, at most 50 ms): every request of the moment adds its due ids
   * to the same query. Outside the trace of the request that happened to start it.
   */
  private refreshSoon(): void {
    setTimeout(() => {
      if (!this.stopped) this.refreshRun = untraced(() => this.refresh());
    }, this.refreshDelayMs).unref();
  }

  /** At shutdown: no refresh is started any more, and the one under way is waited for (the pool closes next). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.due.clear();
    await this.refreshRun;
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

// A short-lived copy of account rows shared by all requests (ACCOUNT_CACHE_TTL_MS; 0 turns it off). It holds
// facts, and with each row a note its reader keeps: the one decision that is the same for every viewer until a
// stage starts or ends, NOT_SUBJECT (loaders/not-subject-notes.ts), dropped with the row when it changes.
// Everything else, the status of a subject account and the viewer gate, is computed from the row per request,
// after the cache, so one viewer's answer can never be served to another.
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

/** null: an id the database has no row for, remembered too (most references in a feed are of such accounts). */
type CachedRow = AccountFacts | null;

/**
 * One id's row as `readNoted` hands it out (null: no account), and a note its reader may keep on it: the cache
 * holds it with that very row, and a changed row starts without one.
 */
export interface NotedAccount {
  readonly value: AccountFacts | null;
  note: unknown;
}

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

  /**
   * The rows of these ids (unknown ids have none): cached ones from memory, the rest in one query. With the cache
   * on, one per id in the order asked; off or bypassed, as the database answers (any order, and a row it matched
   * to another spelling of an id too: a caller takes a row for the exact id only).
   */
  async read(userIds: readonly string[]): Promise<AccountFacts[]> {
    const noted = this.readNoted(userIds);
    if (noted === undefined) return this.readMissing(userIds);
    const found: AccountFacts[] = [];
    for (const account of await noted) if (account.value !== null) found.push(account.value);
    return found;
  }

  /**
   * Each id's row, in the order asked (null: no account), cached ones from memory and the rest in one query,
   * each with the note its caller keeps on it while the cache holds that very row. Undefined, at once, when the
   * cache is off or not trusted now: then only `read` reads (from the database), and nothing is kept. The
   * notes are the label loader's, its one reader: the entries handed out are the cache's own.
   */
  readNoted(userIds: readonly string[]): Promise<NotedAccount[]> | undefined {
    const rows = this.rows;
    if (rows === undefined) return undefined;
    if (!this.trusted()) {
      if (rows.size > 0) rows.clear(); // what it holds may have changed unseen: start afresh when trusted again
      return undefined;
    }
    return this.readKept(rows, userIds);
  }

  private async readKept(rows: ExpiringMap<CachedRow>, userIds: readonly string[]): Promise<NotedAccount[]> {
    const found = new Array<NotedAccount>(userIds.length);
    const missing: string[] = [];
    const missingAt: number[] = [];
    const now = Date.now();
    const refreshBy = now + this.refreshAheadMs;
    for (let at = 0; at < userIds.length; at++) {
      const userId = userIds[at]!;
      const entry = rows.entry(userId, now);
      if (entry === undefined) {
        missing.push(userId);
        missingAt.push(at);
        continue;
      }
      found[at] = entry;
      if (entry.expiresAt <= refreshBy) this.refreshAhead(userId);
    }
    if (missing.length === 0) return found;
    const generation = this.generation;
    const stored = this.store(rows, missing, await this.readMissing(missing, this.held), generation);
    for (let index = 0; index < missingAt.length; index++) found[missingAt[index]!] = stored[index]!;
    return found;
  }

  /** The row held for an id, expired or not: a row read again unchanged is that object, and stays in use. */
  private readonly held: HeldAccount = (userId) => this.rows?.held(userId) ?? undefined;

  /**
   * The rows read for these ids, one per id in their order, shared from now on, and kept unless a change came
   * while they were read. A row the database matched to another spelling of an id (its collation) is not that
   * id's.
   */
  private store(
    rows: ExpiringMap<CachedRow>,
    userIds: readonly string[],
    read: readonly AccountFacts[],
    generation: number,
  ): NotedAccount[] {
    const readAt = Date.now();
    const keep = generation === this.generation && this.trusted() && readAt >= this.settledAt;
    const byUserId = new Map<string, AccountFacts>();
    // Shared by every request from now on: nobody may change them in place.
    for (const account of read) byUserId.set(account.userId, Object.freeze(account));
    return userIds.map((userId) => {
      const value = byUserId.get(userId) ?? null;
      if (keep && this.settling?.has(userId, readAt) !== true) return rows.set(userId, value, readAt);
      return { value, note: undefined };
    });
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

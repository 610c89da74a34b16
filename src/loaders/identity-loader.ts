// The per-request batch: every User and Post reference in one request becomes one account read.
//
// Contract: created per request (it holds the viewer), so nothing decided for one viewer is seen by another.
// Keys are user ids; each distinct id is read once (a failure too: a request does not ask a database that
// has just failed again); the labels come back in key order, one per key; batches
// larger than `maxBatchSize` are split into several reads, so the IN list stays bounded. When the accounts
// cannot be read, every key of that batch gets the IDENTITY_UNAVAILABLE error instead of a label; when one
// account's real name is due but cannot be decrypted, that key alone gets it.
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

type Settled = IdentityLabel | Error;

/**
 * The row of each key, by the key's index. The IN query returns rows in any order and omits unknown ids: they
 * are mapped back by id. The row cache answers a batch it holds whole in key order: then no map is built.
 */
function rowsByKey(
  userIds: readonly string[],
  rows: readonly AccountFacts[],
): (index: number) => AccountFacts | undefined {
  let aligned = rows.length === userIds.length;
  for (let index = 0; aligned && index < rows.length; index += 1) aligned = rows[index]!.userId === userIds[index];
  if (aligned) return (index) => rows[index];
  const byUserId = new Map<string, AccountFacts>();
  for (const row of rows) byUserId.set(row.userId, row);
  return (index) => byUserId.get(userIds[index]!);
}

/**
 * DataLoader's contract, for the one caller that asks for a whole batch at once (`_entities`): keys asked in
 * one tick are read together, once each, and remembered for the request, failures included. Without
 * DataLoader's promise per key (its `loadMany` makes one for each of a request's 100 keys).
 */
export class IdentityLoader {
  private readonly settled = new Map<string, Settled>();
  /** Keys waiting for the next read, and the promise of that read. */
  private queued: string[] = [];
  private nextRead: Promise<void> | undefined;
  /** Keys being read, by the read that has them. */
  private readonly reading = new Map<string, Promise<void>>();

  constructor(private readonly options: IdentityLoaderOptions) {
    if (!(options.maxBatchSize > 0)) throw new TypeError('maxBatchSize must be a positive number');
  }

  /** One label per key, in key order; an Error in place of a label that could not be decided. */
  async loadMany(userIds: readonly string[]): Promise<Settled[]> {
    if (!Array.isArray(userIds)) throw new TypeError('loadMany must be called with an array of user ids');
    let waits: Set<Promise<void>> | undefined;
    for (const userId of userIds) {
      if (typeof userId !== 'string') throw new TypeError('user ids must be strings');
      if (this.settled.has(userId)) continue;
      (waits ??= new Set()).add(this.reading.get(userId) ?? this.enqueue(userId));
    }
    if (waits !== undefined) await Promise.all(waits);
    return userIds.map((userId) => this.settled.get(userId)!);
  }

  /** One key's label; throws the error that stands in for it. */
  async load(userId: string): Promise<IdentityLabel> {
    const [label] = await this.loadMany([userId]);
    if (label instanceof Error) throw label;
    return label!;
  }

  private enqueue(userId: string): Promise<void> {
    // As DataLoader schedules: after the promises already resolved, so every resolver of this tick joins in.
    this.nextRead ??= Promise.resolve().then(
      () => new Promise<void>((resolve, reject) => process.nextTick(() => this.readQueued().then(resolve, reject))),
    );
    this.queued.push(userId);
    this.reading.set(userId, this.nextRead);
    return this.nextRead;
  }

  private async readQueued(): Promise<void> {
    const userIds = this.queued;
    this.queued = [];
    this.nextRead = undefined;
    const { maxBatchSize } = this.options;
    const reads: Promise<void>[] = [];
    for (let start = 0; start < userIds.length; start += maxBatchSize) {
      reads.push(this.read(userIds.slice(start, start + maxBatchSize)));
    }
    await Promise.all(reads);
    for (const userId of userIds) this.reading.delete(userId);
  }

  private async read(userIds: readonly string[]): Promise<void> {
    const { accounts, stages, clock, openRealName, viewer, settings } = this.options;
    let rows: AccountFacts[];
    try {
      rows = await accounts.read(userIds);
    } catch (error) {
      const unavailable = identityUnavailable(error);
      for (const userId of userIds) this.settled.set(userId, unavailable);
      return;
    }
    const rowOf = rowsByKey(userIds, rows);
    const now = clock();
    const inForce = stages();
    for (let index = 0; index < userIds.length; index += 1) {
      const userId = userIds[index]!;
      this.settled.set(userId, labelOrUnavailable(rowOf(index), inForce, now, viewer, settings, openRealName));
    }
  }
}

export function createIdentityLoader(options: IdentityLoaderOptions): IdentityLoader {
  return new IdentityLoader(options);
}

// The per-request batch: every User and Post reference in one request becomes one account read.
//
// Contract: created per request (it holds the viewer), so nothing decided for one viewer is seen by another.
// Keys are user ids; each distinct id is read once (a failure too: a request does not ask a database that
// has just failed again); the labels come back in key order, one per key; batches
// larger than `maxBatchSize` are split into several reads, so the IN list stays bounded. When the accounts
// cannot be read, every key of that batch gets the IDENTITY_UNAVAILABLE error instead of a label; when one
// account's real name is due but cannot be decrypted, that key alone gets it. From rows the row cache holds, a
// NOT_SUBJECT label noted on the row is taken as it is until a stage starts or ends (not-subject-notes.ts).
import { RealNameUnreadableError } from '../crypto/real-name-cipher';
import { identityUnavailable } from '../errors';
import { decideIdentityLabel, type IdentityLabel, type LabelSettings } from '../policy/label';
import type { NotedAccount } from '../db/account-cache';
import type { AccountFacts, PolicyStage, RealNameOpener, Viewer } from '../policy/types';
import type { NotSubjectNotes } from './not-subject-notes';

/** Where the loader gets account rows from (the read path's AccountReader). */
export interface AccountSource {
  /** The rows of these ids, in any order; unknown ids have none. */
  read(userIds: readonly string[]): Promise<AccountFacts[]>;
  /** Rows kept across requests (the row cache), one per id in order, with notes; undefined: use `read`. */
  readNoted?(userIds: readonly string[]): Promise<NotedAccount[]> | undefined;
}

export interface IdentityLoaderOptions {
  accounts: AccountSource;
  /** The stages in force for this request (the in-memory policy): a change is a new array, never made in place. */
  stages: () => readonly PolicyStage[];
  clock: () => Date;
  /** Called by the viewer gate for each name it reveals to this viewer, and for no other. */
  openRealName: RealNameOpener;
  viewer: Viewer;
  settings: LabelSettings;
  maxBatchSize: number;
  /** The app's holder of NOT_SUBJECT notes, shared by its requests; without one, rows are never noted. */
  notSubjectNotes?: NotSubjectNotes;
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

/** One key asked: its label (or error) once read; until then, the promise of the read that has it. */
class Slot {
  constructor(
    readonly userId: string,
    public state: Settled | Promise<void>,
  ) {}
}

/**
 * DataLoader's contract, for the one caller that asks for a whole batch at once (`_entities`): keys asked in
 * one tick are read together, once each, and remembered for the request, failures included. Without
 * DataLoader's promise per key (its `loadMany` makes one for each of a request's 100 keys), and with one slot
 * per key, found once by its id: the read settles the slots it holds, and `loadMany` answers from the slots it
 * found (three map operations a key, not six).
 */
export class IdentityLoader {
  private readonly slots = new Map<string, Slot>();
  /** Keys waiting for the next read, and the promise of that read. */
  private queued: Slot[] = [];
  private nextRead: Promise<void> | undefined;

  constructor(private readonly options: IdentityLoaderOptions) {
    if (!(options.maxBatchSize > 0)) throw new TypeError('maxBatchSize must be a positive number');
  }

  /** One label per key, in key order; an Error in place of a label that could not be decided. */
  async loadMany(userIds: readonly string[]): Promise<Settled[]> {
    if (!Array.isArray(userIds)) throw new TypeError('loadMany must be called with an array of user ids');
    const asked: Slot[] = [];
    const waits: Promise<void>[] = [];
    for (const userId of userIds) {
      if (typeof userId !== 'string') throw new TypeError('user ids must be strings');
      const slot = this.slots.get(userId) ?? this.enqueue(userId);
      asked.push(slot);
      const { state } = slot;
      if (state instanceof Promise && state !== waits[waits.length - 1]) waits.push(state); // mostly one read
    }
    if (waits.length > 0) await Promise.all(waits);
    return asked.map((slot) => slot.state as Settled);
  }

  /** One key's label; throws the error that stands in for it. */
  async load(userId: string): Promise<IdentityLabel> {
    const [label] = await this.loadMany([userId]);
    if (label instanceof Error) throw label;
    return label!;
  }

  private enqueue(userId: string): Slot {
    // As DataLoader schedules: after the promises already resolved, so every resolver of this tick joins in.
    const read = (this.nextRead ??= Promise.resolve().then(
      () => new Promise<void>((resolve, reject) => process.nextTick(() => this.readQueued(read).then(resolve, reject))),
    ));
    const slot = new Slot(userId, read);
    this.queued.push(slot);
    this.slots.set(userId, slot);
    return slot;
  }

  private async readQueued(read: Promise<void>): Promise<void> {
    const slots = this.queued;
    this.queued = [];
    this.nextRead = undefined;
    const { maxBatchSize } = this.options;
    const reads: Promise<void>[] = [];
    for (let start = 0; start < slots.length; start += maxBatchSize) {
      reads.push(this.read(slots.slice(start, start + maxBatchSize), read));
    }
    await Promise.all(reads);
  }

  /**
   * Settles the slots this read has. The IN query returns rows in any order and omits unknown ids; a row is
   * taken for a key only while that key waits for this read (a row whose id the database matched to another
   * spelling of a key asked is not that key's).
   */
  private async read(slots: readonly Slot[], read: Promise<void>): Promise<void> {
    const { accounts, stages, clock, openRealName, viewer, settings } = this.options;
    const userIds = slots.map((slot) => slot.userId);
    let rows: AccountFacts[] = [];
    let noted: NotedAccount[] | undefined;
    try {
      const kept = accounts.readNoted?.(userIds);
      if (kept === undefined) rows = await accounts.read(userIds);
      else noted = await kept;
      if (noted !== undefined && noted.length !== userIds.length) {
        throw new Error(`readNoted answered ${noted.length} rows for ${userIds.length} ids`);
      }
    } catch (error) {
      const unavailable = identityUnavailable(error);
      for (const slot of slots) if (slot.state === read) slot.state = unavailable;
      return;
    }
    const now = clock();
    const inForce = stages();
    if (noted !== undefined) {
      this.settleNoted(slots, noted, read, inForce, now);
      return;
    }
    const label = (row: AccountFacts | undefined) =>
      labelOrUnavailable(row, inForce, now, viewer, settings, openRealName);
    for (const row of rows) {
      const slot = this.slots.get(row.userId);
      if (slot?.state === read) slot.state = label(row);
    }
    for (const slot of slots) if (slot.state === read) slot.state = label(undefined);
  }

  /**
   * Settles the slots from rows the cache holds, one per slot in order: a row noted NOT_SUBJECT in this epoch
   * is not read. Synchronous from the note read to the note written: no request can move the row or the epoch
   * in between.
   */
  private settleNoted(
    slots: readonly Slot[],
    noted: readonly NotedAccount[],
    read: Promise<void>,
    inForce: readonly PolicyStage[],
    now: Date,
  ): void {
    const { openRealName, viewer, settings, notSubjectNotes } = this.options;
    const notes = notSubjectNotes?.at(inForce, settings, now.getTime());
    for (let index = 0; index < slots.length; index++) {
      const slot = slots[index]!;
      if (slot.state !== read) continue;
      const account = noted[index]!;
      const recalled = notes?.recall(account.note);
      if (recalled !== undefined) {
        slot.state = recalled;
        continue;
      }
      const label = labelOrUnavailable(account.value ?? undefined, inForce, now, viewer, settings, openRealName);
      if (notes !== undefined && !(label instanceof Error)) account.note = notes.noteFor(label);
      slot.state = label;
    }
  }
}

export function createIdentityLoader(options: IdentityLoaderOptions): IdentityLoader {
  return new IdentityLoader(options);
}

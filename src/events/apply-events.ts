// Applies a batch of the platform's events in ONE transaction, exactly once in effect: an event already
// applied (same source and id) changes nothing, nor does one older than what is stored for its account (by
// observedAt), nor one about an erased account. The keys of the events are stored in the same commit as their
// effects, so a batch either happened whole (and its redelivery is a duplicate) or not at all (and its
// redelivery applies it). The caller acknowledges only after this returns.
//
// Within a batch: closed accounts are erased first (a closed account stays closed, whatever else the batch
// says about it), then the follower counts and verifications (each account's, in observedAt order, and the
// notice it is due decided at once, as notify would), then the credentials and MCN agencies (each one's, in
// observedAt order: apply-professional.ts), then the posts (a deleted post's location is deleted, and a
// post.created for a post deleted before records nothing).
import type { DataSource, EntityManager } from 'typeorm';
import type { PseudonymKey } from '../crypto/pseudonym-key';
import type { FactTimes } from '../db/account-rows';
import { lockAccountsWithTimes, sameAccount, saveAccountChanges, type AccountChange } from '../db/account-writes';
import { WriteConflict } from '../db/database-errors';
import { deletedPostsAmong, processedAmong, rememberDeletedPosts, rememberProcessed } from '../db/event-rows';
import type { OutboxNotification } from '../db/tables';
import { inWriteTransaction } from '../db/write-transaction';
import { eraseWithin } from '../erasure/erase-accounts';
import { mergeRecord } from '../import/import-accounts';
import { erasedUserIds as erasedIds } from '../db/erasures';
import type { AccountRecord } from '../import/records';
import type { IpDatabase } from '../ip-location/ip-database';
import { deleteLocationsWithin } from '../ip-recording/delete-locations';
import { storeLocationsWithin } from '../ip-recording/store-locations';
import { notice, noticeDecision, writeNotices } from '../notify/notify-accounts';
import type { AccountFacts, PolicyRules, PolicyStage } from '../policy/types';
import type { RealNames } from '../real-names/real-names';
import { applyProfessionalEvents, isProfessionalEvent, type ProfessionalEvent } from './apply-professional';
import type { PlatformEvent, ReceivedEvent } from './platform-events';

/**
 * What became of one event. `applied`: its effect is stored. `unchanged`: it was applied and found nothing
 * to change (an erasure of an account not held, a post already located). `duplicate`: applied before.
 * `stale`: older than what is stored (or its post deleted). `erased`: its account was erased.
 */
export const EVENT_OUTCOMES = ['applied', 'unchanged', 'duplicate', 'stale', 'erased'] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

export interface ApplyOptions {
  stages: () => readonly PolicyStage[];
  rules: PolicyRules;
  clock: () => Date;
  realNames: RealNames;
  pseudonymKey: PseudonymKey;
  /** Where post.created's address is looked up (and dropped). */
  ipDatabase: IpDatabase;
}

export interface AppliedBatch {
  /** By position in the batch. */
  outcomes: EventOutcome[];
  /** The accounts whose rows changed or went: every instance must forget them (the change feed). */
  changedUserIds: string[];
}

type Of<T extends PlatformEvent['type']> = Extract<PlatformEvent, { type: T }>;
type FactEvent = Of<'user.followers.changed'> | Of<'user.verification.changed'>;

/** The batch's events by position, with what the transaction has decided about each so far. */
interface Batch {
  events: readonly ReceivedEvent[];
  outcomes: EventOutcome[];
  now: Date;
  stages: readonly PolicyStage[];
  changed: Set<string>;
  /**
   * The batch's first attempt: in the common case no event was applied before and no account erased, so
   * neither is looked for first; the checks that must hold (a key inserted once, a tombstone under a lock)
   * fail the attempt when one was, and the next attempt looks first.
   */
  optimistic: boolean;
}

function positionsOf<T extends PlatformEvent['type']>(batch: Batch, fresh: readonly number[], type: T): number[] {
  return fresh.filter((position) => batch.events[position]!.event.type === type);
}

function eventAt<T extends PlatformEvent['type']>(batch: Batch, position: number): Of<T> {
  return batch.events[position]!.event as Of<T>;
}

/**
 * Marks duplicates (within the batch, and applied before) and remembers the others as applied. `optimistic`
 * (a batch's first attempt) inserts every key without looking first: in the common case none was applied
 * before, and the look costs a statement. A key that was makes the insert fail (a WriteConflict), and the
 * transaction runs again, looking first.
 */
async function freshPositions(manager: EntityManager, batch: Batch): Promise<number[]> {
  const firstOfKey = new Map<string, number>();
  batch.events.forEach(({ key }, position) => {
    if (firstOfKey.has(key)) batch.outcomes[position] = 'duplicate';
    else firstOfKey.set(key, position);
  });
  if (batch.optimistic) {
    await rememberProcessed(manager, [...firstOfKey.keys()], batch.now);
    return [...firstOfKey.values()].sort((a, b) => a - b);
  }
  const applied = await processedAmong(manager, [...firstOfKey.keys()]);
  const fresh: number[] = [];
  for (const [key, position] of firstOfKey) {
    if (applied.has(key)) batch.outcomes[position] = 'duplicate';
    else fresh.push(position);
  }
  await rememberProcessed(
    manager,
    fresh.map((position) => batch.events[position]!.key),
    batch.now,
  );
  return fresh.sort((a, b) => a - b);
}

async function closeAccounts(manager: EntityManager, batch: Batch, positions: number[], options: ApplyOptions) {
  if (positions.length === 0) return;
  const userIds = [...new Set(positions.map((position) => eventAt<'account.closed'>(batch, position).userId))];
  const outcomes = await eraseWithin(manager, userIds.sort(), {
    pseudonymKey: options.pseudonymKey,
    stages: batch.stages,
    rules: options.rules,
    now: batch.now,
    cause: 'event account.closed',
  });
  for (const position of positions) {
    const userId = eventAt<'account.closed'>(batch, position).userId;
    batch.outcomes[position] = outcomes.get(userId) === 'erased' ? 'applied' : 'unchanged';
    batch.changed.add(userId);
  }
}

function recordOf(event: FactEvent): AccountRecord {
  if (event.type === 'user.followers.changed') return { userId: event.userId, followerCount: event.followerCount };
  const { type: _type, observedAt: _observedAt, ...record } = event;
  return record;
}

const FACT_OF = { 'user.followers.changed': 'followers', 'user.verification.changed': 'verification' } as const;

/** Each account's events in observedAt order; an event no newer than the stored time of its fact is stale. */
function mergeFacts(
  batch: Batch,
  positions: readonly number[],
  state: { accounts: Map<string, AccountFacts>; times: Map<string, FactTimes>; erased: Set<string> },
  realNames: RealNames,
): { userIds: Set<string>; causes: Map<string, string> } {
  const touched = new Set<string>();
  const causes = new Map<string, string>();
  const byTime = [...positions].sort(
    (a, b) =>
      eventAt<FactEvent['type']>(batch, a).observedAt.getTime() -
      eventAt<FactEvent['type']>(batch, b).observedAt.getTime(),
  );
  for (const position of byTime) {
    const event = eventAt<FactEvent['type']>(batch, position);
    if (state.erased.has(event.userId)) {
      batch.outcomes[position] = 'erased';
      continue;
    }
    const fact = FACT_OF[event.type];
    const times = state.times.get(event.userId) ?? { followers: null, verification: null };
    const stored = times[fact];
    if (stored !== null && event.observedAt.getTime() <= stored.getTime()) {
      batch.outcomes[position] = 'stale';
      continue;
    }
    state.accounts.set(event.userId, mergeRecord(state.accounts.get(event.userId), recordOf(event), realNames));
    state.times.set(event.userId, { ...times, [fact]: event.observedAt });
    batch.outcomes[position] = 'applied';
    touched.add(event.userId);
    causes.set(event.userId, `event ${event.type} ${batch.events[position]!.id}`.slice(0, 255));
  }
  return { userIds: touched, causes };
}

/**
 * The follower counts and verifications, through the account write path (locked, audited, the label
 * change to the outbox) with the notice each account is due now, and the times they were observed at, in the
 * account rows.
 */
async function applyFacts(manager: EntityManager, batch: Batch, positions: number[], options: ApplyOptions) {
  if (positions.length === 0) return;
  const userIds = [...new Set(positions.map((position) => eventAt<FactEvent['type']>(batch, position).userId))];
  const stored = await lockAccountsWithTimes(manager, userIds);
  // A row is never an erased account's (its erasure deleted it, under the lock just taken): only the ids without
  // one are looked for among the tombstones, and not at all on a first attempt (checked under a lock below).
  const pseudonyms = new Map<string, string>();
  const unknown = batch.optimistic ? [] : userIds.filter((userId) => !stored.has(userId));
  const erased = await erasedIds(manager, unknown, options.pseudonymKey, false, pseudonyms);
  const state = {
    accounts: new Map([...stored].map(([userId, row]) => [userId, row.account])),
    times: new Map([...stored].map(([userId, row]) => [userId, row.times])),
    erased,
  };
  const touched = mergeFacts(batch, positions, state, options.realNames);
  const changes: AccountChange[] = [];
  const notices: Omit<OutboxNotification, 'id'>[] = [];
  for (const userId of touched.userIds) {
    let after = state.accounts.get(userId)!;
    const decision = noticeDecision(after, { stages: batch.stages, now: batch.now, rules: options.rules });
    if (decision !== null) {
      after = decision.after;
      notices.push(notice(userId, decision.stage, batch.now));
    }
    const before = stored.get(userId)?.account;
    // Stored even when the facts are the same: the newer time is what makes an older event stale.
    changes.push({ before, after, cause: touched.causes.get(userId)!, observed: state.times.get(userId)! });
    if (before === undefined || !sameAccount(before, after)) batch.changed.add(userId);
  }
  await saveAccountChanges(manager, changes, batch.stages, batch.now, options.rules);
  await writeNotices(manager, notices);
  // An account erased before (on a first attempt), or whose erasure began after the check above, must not come
  // back: the batch runs again, looking first (as the import does).
  const inserted = changes.filter((change) => change.before === undefined).map((change) => change.after.userId);
  if ((await erasedIds(manager, inserted, options.pseudonymKey, true, pseudonyms)).size > 0) {
    throw new WriteConflict('an account written by an event was erased meanwhile');
  }
}

/** The credentials and MCN agencies, through the import's use cases (apply-professional.ts). */
async function applyProfessional(manager: EntityManager, batch: Batch, fresh: number[], options: ApplyOptions) {
  const positioned = fresh
    .filter((position) => isProfessionalEvent(batch.events[position]!.event))
    .map((position) => ({
      position,
      id: batch.events[position]!.id,
      event: batch.events[position]!.event as ProfessionalEvent,
    }));
  const applied = await applyProfessionalEvents(manager, positioned, {
    now: batch.now,
    pseudonymKey: options.pseudonymKey,
  });
  for (const [position, outcome] of applied.outcomes) batch.outcomes[position] = outcome;
  for (const userId of applied.changedUserIds) batch.changed.add(userId);
}

async function applyPosts(manager: EntityManager, batch: Batch, fresh: number[], options: ApplyOptions) {
  const deletions = positionsOf(batch, fresh, 'post.deleted');
  const deletedIds = deletions.map((position) => eventAt<'post.deleted'>(batch, position).postId);
  await rememberDeletedPosts(manager, [...new Set(deletedIds)], batch.now);
  await deleteLocationsWithin(manager, deletedIds);
  for (const position of deletions) batch.outcomes[position] = 'applied';

  const creations = positionsOf(batch, fresh, 'post.created');
  if (creations.length === 0) return;
  const created = (position: number) => eventAt<'post.created'>(batch, position);
  const deletedBefore = await deletedPostsAmong(manager, [...new Set(creations.map((p) => created(p).postId))]);
  const authors = [...new Set(creations.map((position) => created(position).authorId))];
  const erased = await erasedIds(manager, authors, options.pseudonymKey);
  const records = [];
  for (const position of creations) {
    const { postId, authorId, ip, createdAt } = created(position);
    if (deletedBefore.has(postId)) batch.outcomes[position] = 'stale';
    else if (erased.has(authorId)) batch.outcomes[position] = 'erased';
    else records.push({ position, record: { postId, userId: authorId, ip, at: createdAt } });
  }
  const outcome = await storeLocationsWithin(manager, options.ipDatabase, records, options.pseudonymKey);
  const conflicting = new Set(outcome.rejected.map((rejected) => rejected.position));
  for (const { position } of records) batch.outcomes[position] = conflicting.has(position) ? 'unchanged' : 'applied';
}

/** Applies the events in one transaction (tried again whole on a conflict); throws when the database fails. */
export async function applyEvents(
  dataSource: DataSource,
  events: readonly ReceivedEvent[],
  options: ApplyOptions,
): Promise<AppliedBatch> {
  if (events.length === 0) return { outcomes: [], changedUserIds: [] };
  // Decided afresh on every attempt: a transaction tried again starts from what it then reads.
  let attempts = 0;
  const batch = await inWriteTransaction(dataSource, async (manager) => {
    attempts += 1;
    const attempt: Batch = {
      events,
      outcomes: new Array<EventOutcome>(events.length),
      now: options.clock(),
      stages: options.stages(),
      changed: new Set(),
      optimistic: attempts === 1,
    };
    const fresh = await freshPositions(manager, attempt);
    await closeAccounts(manager, attempt, positionsOf(attempt, fresh, 'account.closed'), options);
    const facts = fresh.filter((position) => events[position]!.event.type in FACT_OF);
    await applyFacts(manager, attempt, facts, options);
    await applyProfessional(manager, attempt, fresh, options);
    await applyPosts(manager, attempt, fresh, options);
    return attempt;
  });
  return { outcomes: batch.outcomes, changedUserIds: [...batch.changed] };
}

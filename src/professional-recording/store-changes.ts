// How a batch of changes to one kind of professional label is stored (credentials, MCN agencies), in the
// caller's transaction (the import's own, retried on a conflict; or an event batch's): the rows of its
// accounts locked in one order; the changes applied in turn, the last one of a row winning; what differs from
// the stored rows written, with its audit entries, in the same commit. An erased account is skipped; one
// erased while the batch ran makes it run again (a WriteConflict). Applying the same changes twice leaves the
// same state: the second time everything is "unchanged".
import type { DataSource, EntityManager } from 'typeorm';
import type { PseudonymKey } from '../crypto/pseudonym-key';
import { WriteConflict } from '../db/database-errors';
import { erasedUserIds } from '../db/erasures';
import { insertLabelChanges, type RowWrites } from '../db/professional-rows';
import { inWriteTransaction } from '../db/write-transaction';
import type { LabelChange } from '../professional/label-changes';

/** How changes are stored within a transaction of the caller's. */
export interface ChangeContext {
  /** When the changes are made: the audit entries' time (and an agency's `since` when none is given). */
  now: Date;
  /** Erased accounts are recognized by their pseudonym under this key; undefined: none was ever erased. */
  pseudonymKey: PseudonymKey | undefined;
}

export interface ProfessionalChangeOptions extends ChangeContext {
  /** Once committed, with the accounts whose labels changed. */
  onCommitted?: (userIds: readonly string[]) => void;
}

/** One kind of label, as store-changes needs to know it. */
export interface LabelKind<Row extends { userId: string }, Change extends { userId: string }, Outcome> {
  rowKey(row: Row): string;
  changeKey(change: Change): string;
  /** The row after the change: undefined when the change removes it. */
  apply(before: Row | undefined, change: Change, now: Date): Row | undefined;
  same(a: Row, b: Row): boolean;
  /** What the change did, for the caller's counts. */
  outcome(before: Row | undefined, after: Row | undefined): Outcome;
  audit(before: Row | undefined, after: Row | undefined): LabelChange[];
  lock(manager: EntityManager, userIds: readonly string[]): Promise<Row[]>;
  write(manager: EntityManager, writes: RowWrites<Row>): Promise<void>;
}

/** What became of each change, in order: its outcome, or `erased` (skipped: the account was erased). */
export type ChangeOutcome<Outcome> = Outcome | 'erased';

/** What became of each change, in order, and the accounts whose labels changed (once committed). */
export interface StoredChanges<Outcome> {
  outcomes: ChangeOutcome<Outcome>[];
  changedUserIds: string[];
}

/** The rows' writes, and their audit entries, from the stored rows to the rows after the batch. */
function netWrites<Row extends { userId: string }, Change extends { userId: string }, Outcome>(
  kind: LabelKind<Row, Change, Outcome>,
  stored: ReadonlyMap<string, Row>,
  current: ReadonlyMap<string, Row | undefined>,
  causes: ReadonlyMap<string, string>,
) {
  const writes = { inserted: [] as Row[], updated: [] as Row[], deleted: [] as Row[] };
  const audit: { change: LabelChange; cause: string }[] = [];
  for (const [key, after] of current) {
    const before = stored.get(key);
    if (before !== undefined && after !== undefined && kind.same(before, after)) continue;
    if (before === undefined && after === undefined) continue;
    if (before === undefined) writes.inserted.push(after!);
    else if (after === undefined) writes.deleted.push(before);
    else writes.updated.push(after);
    for (const change of kind.audit(before, after)) audit.push({ change, cause: causes.get(key)! });
  }
  return { writes, audit };
}

/** Stores a batch of changes of one kind in the caller's transaction. */
async function storeChangesWithin<Row extends { userId: string }, Change extends { userId: string }, Outcome>(
  manager: EntityManager,
  kind: LabelKind<Row, Change, Outcome>,
  changes: readonly { change: Change; cause: string }[],
  options: ChangeContext,
): Promise<StoredChanges<Outcome>> {
  if (changes.length === 0) return { outcomes: [], changedUserIds: [] };
  const userIds = [...new Set(changes.map(({ change }) => change.userId))];
  const erased = await erasedUserIds(manager, userIds, options.pseudonymKey);
  const stored = new Map((await kind.lock(manager, userIds)).map((row) => [kind.rowKey(row), row]));
  const current = new Map<string, Row | undefined>();
  const causes = new Map<string, string>();
  const outcomes = changes.map(({ change, cause }): ChangeOutcome<Outcome> => {
    if (erased.has(change.userId)) return 'erased';
    const key = kind.changeKey(change);
    const before = current.has(key) ? current.get(key) : stored.get(key);
    const after = kind.apply(before, change, options.now);
    current.set(key, after);
    causes.set(key, cause);
    return kind.outcome(before, after);
  });
  const { writes, audit } = netWrites(kind, stored, current, causes);
  await kind.write(manager, writes);
  await insertLabelChanges(manager, audit, options.now);
  // An erasure that began after the check above must not lose to this batch: checked again under a lock
  // (an erasure still being written is waited for), and the batch runs again, skipping it, if one did.
  const inserted = [...new Set(writes.inserted.map((row) => row.userId))];
  if ((await erasedUserIds(manager, inserted, options.pseudonymKey, true)).size > 0) {
    throw new WriteConflict('an account whose labels were being stored was erased meanwhile');
  }
  const changed = [...writes.inserted, ...writes.updated, ...writes.deleted].map((row) => row.userId);
  return { outcomes, changedUserIds: [...new Set(changed)] };
}

/**
 * The use case of one kind of label, one implementation for every door: `within` a transaction of the
 * caller's (an event batch's), or `inOwnTransaction` (the import's batches).
 */
export function labelUseCase<Row extends { userId: string }, Change extends { userId: string }, Outcome>(
  kind: LabelKind<Row, Change, Outcome>,
) {
  const within = (
    manager: EntityManager,
    changes: readonly { change: Change; cause: string }[],
    options: ChangeContext,
  ) => storeChangesWithin(manager, kind, changes, options);
  const inOwnTransaction = async (
    dataSource: DataSource,
    changes: readonly { change: Change; cause: string }[],
    options: ProfessionalChangeOptions,
  ): Promise<ChangeOutcome<Outcome>[]> => {
    if (changes.length === 0) return [];
    const { outcomes, changedUserIds } = await inWriteTransaction(dataSource, (manager) =>
      within(manager, changes, options),
    );
    if (changedUserIds.length > 0) options.onCommitted?.(changedUserIds);
    return outcomes;
  };
  return { within, inOwnTransaction };
}

// A change of the MCN agency accounts are run by: joined (or moved to another), or left. One use case for
// every door: the `qualifications import` command and the `user.mcn.changed` event call it alike.
import { lockMcnAgencies, writeMcnAgencies } from '../db/professional-rows';
import type { StoredMcnAgency } from '../professional/label';
import { mcnAgencyChanges } from '../professional/label-changes';
import type { McnAgencyRecord } from '../professional/professional-record';
import { labelUseCase, type LabelKind } from './store-changes';

/** `joined` counts a move from one agency to another too (audited as leaving the one and joining the other). */
export type McnAgencyOutcome = 'joined' | 'left' | 'unchanged';

const MCN_AGENCIES: LabelKind<StoredMcnAgency, McnAgencyRecord, McnAgencyOutcome> = {
  rowKey: (row) => row.userId,
  changeKey: (change) => change.userId,
  apply: (before, change, now) => {
    if (change.agency === null) return undefined;
    // The same agency again keeps the row it has: the account did not join it anew.
    if (before?.name === change.agency) return before;
    return { userId: change.userId, name: change.agency, since: change.since ?? now };
  },
  same: (a, b) => a.name === b.name && a.since.getTime() === b.since.getTime(),
  outcome: (before, after) => {
    if (before?.name === after?.name) return 'unchanged';
    return after === undefined ? 'left' : 'joined';
  },
  audit: mcnAgencyChanges,
  lock: lockMcnAgencies,
  write: writeMcnAgencies,
};

const USE_CASE = labelUseCase(MCN_AGENCIES);

/**
 * Stores the agencies' changes in the caller's transaction (an event batch's: `user.mcn.changed`), each
 * audited with its cause ("import labels.csv:13", "event user.mcn.changed 43"); returns what became of each,
 * in order, and the accounts whose labels changed.
 */
export const changeMcnAgenciesWithin = USE_CASE.within;

/** The same in a transaction of its own, retried on a conflict (the import's); the outcomes, in order. */
export const changeMcnAgencies = USE_CASE.inOwnTransaction;

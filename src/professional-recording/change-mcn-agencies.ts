// A change of the MCN agency accounts are run by: joined (or moved to another), or left. One use case for
// every door: the `qualifications import` command and the `user.mcn.changed` event call it alike.
import type { DataSource } from 'typeorm';
import { lockMcnAgencies, writeMcnAgencies } from '../db/professional-rows';
import type { StoredMcnAgency } from '../professional/label';
import { mcnAgencyChanges } from '../professional/label-changes';
import type { McnAgencyRecord } from '../professional/professional-record';
import { storeChanges, type ChangeOutcome, type LabelKind, type ProfessionalChangeOptions } from './store-changes';

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

/**
 * Stores the agencies' changes, in one transaction, each audited with its cause ("import labels.csv:13",
 * "event user.mcn.changed 43"); returns what became of each, in order.
 */
export function changeMcnAgencies(
  dataSource: DataSource,
  changes: readonly { change: McnAgencyRecord; cause: string }[],
  options: ProfessionalChangeOptions,
): Promise<ChangeOutcome<McnAgencyOutcome>[]> {
  return storeChanges(dataSource, MCN_AGENCIES, changes, options);
}

// A change of accounts' professional credentials: granted or renewed (the record says the credential as it
// now stands) or revoked (it is deleted). One use case for every door: the `qualifications import` command
// and the `user.qualification.changed` event call it alike.
import { lockQualifications, writeQualifications } from '../db/professional-rows';
import { qualificationChange, sameQualification } from '../professional/label-changes';
import type { QualificationRecord } from '../professional/professional-record';
import type { StoredQualification } from '../professional/qualification';
import { labelUseCase, type LabelKind } from './store-changes';

/** `updated`: the same credential and dates from another issuer. */
export type QualificationOutcome = 'granted' | 'renewed' | 'updated' | 'revoked' | 'unchanged';

const keyOf = (userId: string, field: string, title: string) => `${userId}\u0000${field}\u0000${title}`;

const QUALIFICATIONS: LabelKind<StoredQualification, QualificationRecord, QualificationOutcome> = {
  rowKey: (row) => keyOf(row.userId, row.field, row.title),
  changeKey: (change) => keyOf(change.userId, change.field, change.title),
  apply: (_before, change) => {
    if (change.revoked) return undefined;
    const { userId, field, title, issuer, verifiedAt, expiresAt } = change;
    return { userId, field, title, issuer, verifiedAt, expiresAt };
  },
  same: sameQualification,
  outcome: (before, after) => {
    const event = qualificationChange(before, after)?.event;
    if (event === 'QUALIFICATION_GRANTED') return 'granted';
    if (event === 'QUALIFICATION_RENEWED') return 'renewed';
    if (event === 'QUALIFICATION_UPDATED') return 'updated';
    if (event === 'QUALIFICATION_REVOKED') return 'revoked';
    return 'unchanged';
  },
  audit: (before, after) => {
    const change = qualificationChange(before, after);
    return change === undefined ? [] : [change];
  },
  lock: lockQualifications,
  write: writeQualifications,
};

const USE_CASE = labelUseCase(QUALIFICATIONS);

/**
 * Stores the credentials' changes in the caller's transaction (an event batch's: `user.qualification.changed`), each
 * audited with its cause ("import labels.csv:12", "event user.qualification.changed 42"); returns what became of each,
 * in order, and the accounts whose labels changed.
 */
export const changeQualificationsWithin = USE_CASE.within;

/** The same in a transaction of its own, retried on a conflict (the import's); the outcomes, in order. */
export const changeQualifications = USE_CASE.inOwnTransaction;

// What a change of an account's credentials or MCN agency means for its audit (the label_changes table):
// granted, renewed (new dates), updated (another issuer), revoked; joined and left an agency. That a
// credential expired is not an entry: its expiresAt says when, and the read decides by it. Pure.
import type { StoredMcnAgency } from './label';
import type { ProfessionalField, StoredQualification } from './qualification';

export const LABEL_CHANGE_EVENTS = [
  'QUALIFICATION_GRANTED',
  'QUALIFICATION_RENEWED',
  'QUALIFICATION_UPDATED',
  'QUALIFICATION_REVOKED',
  'MCN_JOINED',
  'MCN_LEFT',
] as const;
export type LabelChangeEvent = (typeof LABEL_CHANGE_EVENTS)[number];

/** One entry, before it is stored: the event, and the credential or agency as it stands after it (before it, for a revocation or a departure). */
export interface LabelChange {
  userId: string;
  event: LabelChangeEvent;
  field: ProfessionalField | null;
  title: string | null;
  issuer: string | null;
  verifiedAt: Date | null;
  expiresAt: Date | null;
  agency: string | null;
}

const sameTime = (a: Date | null, b: Date | null) => a?.getTime() === b?.getTime();

export function sameQualification(a: StoredQualification, b: StoredQualification): boolean {
  return (
    a.userId === b.userId &&
    a.field === b.field &&
    a.title === b.title &&
    a.issuer === b.issuer &&
    sameTime(a.verifiedAt, b.verifiedAt) &&
    sameTime(a.expiresAt, b.expiresAt)
  );
}

function entry(event: LabelChangeEvent, qualification: StoredQualification): LabelChange {
  const { userId, field, title, issuer, verifiedAt, expiresAt } = qualification;
  return { userId, event, field, title, issuer, verifiedAt, expiresAt, agency: null };
}

/** The entry of one credential (one account, field and title) going from `before` to `after`; none when nothing changed. */
export function qualificationChange(
  before: StoredQualification | undefined,
  after: StoredQualification | undefined,
): LabelChange | undefined {
  if (before === undefined) return after === undefined ? undefined : entry('QUALIFICATION_GRANTED', after);
  if (after === undefined) return entry('QUALIFICATION_REVOKED', before);
  if (sameQualification(before, after)) return undefined;
  const newDates = !sameTime(before.verifiedAt, after.verifiedAt) || !sameTime(before.expiresAt, after.expiresAt);
  return entry(newDates ? 'QUALIFICATION_RENEWED' : 'QUALIFICATION_UPDATED', after);
}

function agencyEntry(event: LabelChangeEvent, agency: StoredMcnAgency): LabelChange {
  return {
    userId: agency.userId,
    event,
    field: null,
    title: null,
    issuer: null,
    verifiedAt: null,
    expiresAt: null,
    agency: agency.name,
  };
}

/**
 * The entries of an account's MCN agency going from `before` to `after`: a move from one agency to another
 * is leaving the one and joining the other. A new `since` for the same agency is no change.
 */
export function mcnAgencyChanges(
  before: StoredMcnAgency | undefined,
  after: StoredMcnAgency | undefined,
): LabelChange[] {
  if (before?.name === after?.name) return [];
  return [
    ...(before === undefined ? [] : [agencyEntry('MCN_LEFT', before)]),
    ...(after === undefined ? [] : [agencyEntry('MCN_JOINED', after)]),
  ];
}

// What an account change means for its disclosure: the events the audit log records. Pure, like the rules.
import { decideDisclosure } from './disclosure';
import type { AccountFacts, DisclosureStatus, PolicyRules, PolicyStage } from './types';

export const AUDIT_EVENTS = [
  'NOTIFIED',
  'CONSENTED',
  'REFUSED',
  'WITHDRAWN',
  'REFUSAL_CLEARED',
  'DISCLOSED',
  'DROPPED_OUT',
  'REAL_NAME_CHANGED',
  'REAL_NAME_REVOKED',
  'STATUS_CHANGED',
  'ERASED',
] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

/** One line of the audit log, before it is stored: what happened, the status before and after, and under which stage. */
export interface AuditedEvent {
  event: AuditEvent;
  oldStatus: DisclosureStatus;
  newStatus: DisclosureStatus;
  /**
   * The stage that governs the account after the change (before it, when none does after; else the stage of
   * its notice, for a notice withdrawn from a retired stage); null when none.
   */
  stageName: string | null;
}

function fieldEvents(before: AccountFacts | undefined, after: AccountFacts): AuditEvent[] {
  const events: AuditEvent[] = [];
  if (before === undefined) return events; // a new account: only its status, below, is news
  const toldAgain = before.notifiedAt !== null && after.notifiedStageId !== before.notifiedStageId;
  if (after.notifiedAt !== null && (before.notifiedAt === null || toldAgain)) events.push('NOTIFIED');
  if (before.notifiedAt !== null && after.notifiedAt === null) events.push('DROPPED_OUT');
  if (before.consent !== 'YES' && after.consent === 'YES') events.push('CONSENTED');
  if (before.consent === 'YES' && after.consent === 'NO') events.push('WITHDRAWN');
  if (before.consent === 'NONE' && after.consent === 'NO') events.push('REFUSED');
  if (before.consent === 'NO' && after.consent === 'NONE') events.push('REFUSAL_CLEARED');
  if (before.verification !== 'REVOKED' && after.verification === 'REVOKED') events.push('REAL_NAME_REVOKED');
  else if (before.realName !== after.realName) events.push('REAL_NAME_CHANGED'); // a kept name keeps its value
  return events;
}

/** The stage the account holds a notice under, if it is among the stages. */
function noticeStage(account: AccountFacts | undefined, stages: readonly PolicyStage[]): PolicyStage | null {
  return stages.find((stage) => stage.id === account?.notifiedStageId) ?? null;
}

/**
 * The account's status before the change. For an account notified under a stage retired since, that is its
 * status the moment before the retirement: what the drop-out that follows ends.
 */
function statusBefore(before: AccountFacts | undefined, stages: readonly PolicyStage[], now: Date, rules: PolicyRules) {
  const retiredAt = noticeStage(before, stages)?.retiredAt ?? null;
  const at = retiredAt !== null && retiredAt.getTime() <= now.getTime() ? new Date(retiredAt.getTime() - 1) : now;
  return decideDisclosure(before, stages, at, rules);
}

/**
 * The audit events of one change, each with the status before and after. A change that moves nothing the
 * audit cares about yields none; a status change that no field explains is STATUS_CHANGED (for example,
 * followers crossing a threshold).
 */
export function auditEvents(
  before: AccountFacts | undefined,
  after: AccountFacts,
  stages: readonly PolicyStage[],
  now: Date,
  rules: PolicyRules,
): AuditedEvent[] {
  const old = statusBefore(before, stages, now, rules);
  const decided = decideDisclosure(after, stages, now, rules);
  const [oldStatus, newStatus] = [old.status, decided.status];
  const events = fieldEvents(before, after);
  if (oldStatus !== newStatus) {
    if (newStatus === 'DISCLOSED') events.push('DISCLOSED');
    else if (events.length === 0) events.push('STATUS_CHANGED');
  }
  const stage = decided.stage ?? old.stage ?? noticeStage(after, stages) ?? noticeStage(before, stages);
  const stageName = stage?.name ?? null;
  return events.map((event) => ({ event, oldStatus, newStatus, stageName }));
}

/**
 * The entry that records an erasure: the status the account had, and NOT_SUBJECT after it (nothing is held
 * any more). It is stored under the account's pseudonym, never its id.
 */
export function erasureEvent(
  before: AccountFacts | undefined,
  stages: readonly PolicyStage[],
  now: Date,
  rules: PolicyRules,
): AuditedEvent {
  const old = decideDisclosure(before, stages, now, rules);
  const stage = old.stage ?? noticeStage(before, stages);
  return { event: 'ERASED', oldStatus: old.status, newStatus: 'NOT_SUBJECT', stageName: stage?.name ?? null };
}

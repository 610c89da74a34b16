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
] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

/** One line of the audit log, before it is stored: what happened and the status before and after. */
export interface AuditedEvent {
  event: AuditEvent;
  oldStatus: DisclosureStatus;
  newStatus: DisclosureStatus;
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
  const oldStatus = decideDisclosure(before, stages, now, rules).status;
  const newStatus = decideDisclosure(after, stages, now, rules).status;
  const events = fieldEvents(before, after);
  if (oldStatus !== newStatus) {
    if (newStatus === 'DISCLOSED') events.push('DISCLOSED');
    else if (events.length === 0) events.push('STATUS_CHANGED');
  }
  return events.map((event) => ({ event, oldStatus, newStatus }));
}

// What services that act on a label (ranking, monetization) are told when a write moves it: the status and
// `restricted` after the change, never a name. Pure, like the rules.
import { decideDisclosure } from './disclosure';
import type { AccountFacts, DisclosureStatus, PolicyRules, PolicyStage } from './types';

export interface LabelChange {
  status: DisclosureStatus;
  restricted: boolean;
  /** The stage that governs the account after the change; null when none. */
  stageName: string | null;
  noticeDeadline: Date | null;
}

/**
 * The label after a change, when the change moved its status or `restricted`; null when it moved neither
 * (a new account that is not subject, a follower count that crosses no threshold).
 */
export function labelChange(
  before: AccountFacts | undefined,
  after: AccountFacts,
  stages: readonly PolicyStage[],
  now: Date,
  rules: PolicyRules,
): LabelChange | null {
  const old = decideDisclosure(before, stages, now, rules);
  const decided = decideDisclosure(after, stages, now, rules);
  if (old.status === decided.status && old.restricted === decided.restricted) return null;
  return {
    status: decided.status,
    restricted: decided.restricted,
    stageName: decided.stage?.name ?? null,
    noticeDeadline: decided.noticeDeadline,
  };
}

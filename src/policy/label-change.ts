// What services that act on a label (ranking, monetization) are told when a write moves it, or when a notice
// deadline passing moves it with no write: the status and `restricted` after the change, never a name. Pure,
// like the rules.
import { decideDisclosure, noticeDeadline } from './disclosure';
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
function changed(
  before: ReturnType<typeof decideDisclosure>,
  after: ReturnType<typeof decideDisclosure>,
): LabelChange | null {
  if (before.status === after.status && before.restricted === after.restricted) return null;
  return {
    status: after.status,
    restricted: after.restricted,
    stageName: after.stage?.name ?? null,
    noticeDeadline: after.noticeDeadline,
  };
}

export function labelChange(
  before: AccountFacts | undefined,
  after: AccountFacts,
  stages: readonly PolicyStage[],
  now: Date,
  rules: PolicyRules,
): LabelChange | null {
  return changed(decideDisclosure(before, stages, now, rules), decideDisclosure(after, stages, now, rules));
}

/** When the account's notice runs out (notified-at + its stage's notice days); null when it holds none. */
export function accountNoticeDeadline(account: AccountFacts, stages: readonly PolicyStage[]): Date | null {
  const stage = stages.find((candidate) => candidate.id === account.notifiedStageId);
  return stage === undefined ? null : noticeDeadline(account.notifiedAt, stage);
}

/**
 * The label now, when the deadline of the account's notice has passed and moved its status or `restricted`
 * (an account that did not answer becomes REFUSED, or DISCLOSED under a mandatory stage; an unverified one
 * restricted); null when the deadline is ahead, or moved neither (an answer given before it).
 */
export function deadlineLabelChange(
  account: AccountFacts,
  stages: readonly PolicyStage[],
  now: Date,
  rules: PolicyRules,
): LabelChange | null {
  const deadline = accountNoticeDeadline(account, stages);
  if (deadline === null || deadline.getTime() > now.getTime()) return null;
  const before = decideDisclosure(account, stages, new Date(deadline.getTime() - 1), rules);
  return changed(before, decideDisclosure(account, stages, now, rules));
}

// What a policy change would do, before it is made: which accounts it makes subject or lets go, and whose
// names it would show or hide. Pure: the accounts, the stages before and after, and the time are given.
import { decideDisclosure, governingStage, noticeDeadline, notifiedUnder } from './disclosure';
import { letGo, toldAbout } from './notice';
import type { AccountFacts, PolicyRules, PolicyStage } from './types';

export interface PolicyChangeImpact {
  /** Accounts some stage governs, before and after the change. */
  subjectBefore: number;
  subjectAfter: number;
  /** Accounts the changed stage governs after the change (for a retirement: before it). */
  governedByStage: number;
  /** Names not shown before that the change would show, and when the first of them would be. */
  disclosed: number;
  firstDisclosedAt: Date | null;
  /** Names shown before that the change would hide. */
  hidden: number;
}

export function noImpact(): PolicyChangeImpact {
  return { subjectBefore: 0, subjectAfter: 0, governedByStage: 0, disclosed: 0, firstDisclosedAt: null, hidden: 0 };
}

/**
 * The account as notify would leave it under these stages at `at`: told about the stage that governs it, or
 * let go when none does. The deadline of that notice is when a mandatory stage would show the name.
 */
function afterNotify(account: AccountFacts, stages: readonly PolicyStage[], at: Date, rules: PolicyRules) {
  const stage = governingStage(account, stages, at, rules);
  if (stage === null) return { account: account.notifiedAt === null ? account : letGo(account), stage };
  return { account: notifiedUnder(account, stage) ? account : toldAbout(account, stage, at), stage };
}

/**
 * Adds to `impact` what replacing the stages `before` with `after` at time `at` does to these accounts,
 * assuming notify runs at `at`: a name counts as disclosed when it would be shown once the notice it is
 * given then has run out (at once for a consent already given). `stageId` is the stage added or retired.
 */
export function addPolicyChangeImpact(
  impact: PolicyChangeImpact,
  accounts: readonly AccountFacts[],
  change: { before: readonly PolicyStage[]; after: readonly PolicyStage[]; stageId: number; at: Date },
  rules: PolicyRules,
): PolicyChangeImpact {
  const { before, after, stageId, at } = change;
  for (const account of accounts) {
    const now = decideDisclosure(account, before, at, rules);
    const next = afterNotify(account, after, at, rules);
    const deadline = next.stage === null ? null : noticeDeadline(next.account.notifiedAt, next.stage);
    const when = deadline !== null && deadline.getTime() > at.getTime() ? deadline : at;
    const later = decideDisclosure(next.account, after, when, rules);
    if (now.stage !== null) impact.subjectBefore += 1;
    if (next.stage !== null) impact.subjectAfter += 1;
    if (now.stage?.id === stageId || next.stage?.id === stageId) impact.governedByStage += 1;
    const shownNow = now.status === 'DISCLOSED';
    const shownLater = later.status === 'DISCLOSED';
    if (shownNow && !shownLater) impact.hidden += 1;
    if (!shownNow && shownLater) {
      impact.disclosed += 1;
      if (impact.firstDisclosedAt === null || when.getTime() < impact.firstDisclosedAt.getTime()) {
        impact.firstDisclosedAt = when;
      }
    }
  }
  return impact;
}

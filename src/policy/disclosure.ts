// The disclosure rules: account facts + policy stages + the current time -> a status. Pure: no I/O, `now` is given.
import { daysAfter } from './time';
import type { AccountFacts, DisclosureReason, DisclosureStatus, PolicyRules, PolicyStage } from './types';

export interface Disclosure {
  status: DisclosureStatus;
  /** The stage that makes the account subject; null when it is not subject. */
  stage: PolicyStage | null;
  noticeDeadline: Date | null;
  disclosedSince: Date | null;
  /** Why the name is shown; null unless DISCLOSED. MANDATORY_DEADLINE holds even after a withdrawal. */
  disclosedBecause: DisclosureReason | null;
  /** Ranking and monetization services limit an account that refused or failed to verify in time. */
  restricted: boolean;
}

const NOT_SUBJECT: Disclosure = Object.freeze({
  status: 'NOT_SUBJECT',
  stage: null,
  noticeDeadline: null,
  disclosedSince: null,
  disclosedBecause: null,
  restricted: false,
});

/** In force from `effectiveFrom` until it is retired (a retired stage governs nobody from `retiredAt` on). */
export function stageIsInForce(stage: PolicyStage, now: Date): boolean {
  if (stage.effectiveFrom.getTime() > now.getTime()) return false;
  return stage.retiredAt === null || now.getTime() < stage.retiredAt.getTime();
}

/** True once the stage has governed at some time before `now`: it is history, and stays in the table. */
export function stageWasEverInForce(stage: PolicyStage, now: Date): boolean {
  const start = stage.effectiveFrom.getTime();
  return start <= now.getTime() && (stage.retiredAt === null || start < stage.retiredAt.getTime());
}

export function stageCoversCategory(stage: PolicyStage, category: string | null): boolean {
  if (stage.categories === null || stage.categories.length === 0) return true;
  return category !== null && stage.categories.includes(category);
}

/** True when the account was told about this very stage (not an earlier or a later one). */
export function notifiedUnder(account: AccountFacts, stage: PolicyStage): boolean {
  return account.notifiedAt !== null && account.notifiedStageId === stage.id;
}

/**
 * The follower count that keeps the account subject under this stage. An account notified under this stage
 * stays subject down to `hysteresisRatio` of its minimum, so that a count hovering around the threshold does
 * not flicker; under any other stage it must reach the minimum itself.
 */
export function followerFloor(stage: PolicyStage, account: AccountFacts, rules: PolicyRules): number {
  return notifiedUnder(account, stage) ? stage.minFollowers * rules.hysteresisRatio : stage.minFollowers;
}

/**
 * The stage that makes the account subject now, or null. When several apply, a MANDATORY stage wins over a
 * CONSENT one (the law is the stricter of the two), then the earliest in force, then the lowest id.
 */
export function governingStage(
  account: AccountFacts,
  stages: readonly PolicyStage[],
  now: Date,
  rules: PolicyRules,
): PolicyStage | null {
  let chosen: PolicyStage | null = null;
  for (const stage of stages) {
    if (!stageIsInForce(stage, now)) continue;
    if (!stageCoversCategory(stage, account.category)) continue;
    if (account.followerCount < followerFloor(stage, account, rules)) continue;
    if (chosen === null || governsBefore(stage, chosen)) chosen = stage;
  }
  return chosen;
}

function governsBefore(a: PolicyStage, b: PolicyStage): boolean {
  if (a.mode !== b.mode) return a.mode === 'MANDATORY';
  const byStart = a.effectiveFrom.getTime() - b.effectiveFrom.getTime();
  if (byStart !== 0) return byStart < 0;
  return a.id < b.id;
}

/**
 * notified-at + the stage's notice days. The notice cannot run before the stage is in force (belt and
 * braces: notify only notifies under stages in force).
 */
export function noticeDeadline(notifiedAt: Date | null, stage: PolicyStage): Date | null {
  if (notifiedAt === null) return null;
  const noticeStart = Math.max(notifiedAt.getTime(), stage.effectiveFrom.getTime());
  return daysAfter(new Date(noticeStart), stage.noticeDays);
}

/** True only for a verified real name that is actually on file: REVOKED or a missing name counts as none. */
export function hasVerifiedRealName(account: AccountFacts): boolean {
  return account.verification === 'VERIFIED' && account.realName !== null;
}

/** Decides the account's status; `undefined` (an id this service has never seen) is NOT_SUBJECT. */
export function decideDisclosure(
  account: AccountFacts | undefined,
  stages: readonly PolicyStage[],
  now: Date,
  rules: PolicyRules,
): Disclosure {
  if (account === undefined) return NOT_SUBJECT;
  const verified = hasVerifiedRealName(account);
  const stage = governingStage(account, stages, now, rules);

  if (stage === null) {
    // Voluntary disclosure: an account that is not required to may still show its name.
    if (account.consent === 'YES' && verified) {
      return {
        status: 'DISCLOSED',
        stage: null,
        noticeDeadline: null,
        disclosedSince: account.consentAt,
        disclosedBecause: 'VOLUNTARY',
        restricted: false,
      };
    }
    return NOT_SUBJECT;
  }

  // A notice under another stage does not count for this one: until notify tells the account about this
  // stage, its deadline is unknown and nothing is due.
  const deadline = notifiedUnder(account, stage) ? noticeDeadline(account.notifiedAt, stage) : null;
  const deadlinePassed = deadline !== null && deadline.getTime() <= now.getTime();
  const decided = (status: DisclosureStatus, restricted: boolean): Disclosure => ({
    status,
    stage,
    noticeDeadline: deadline,
    disclosedSince: null,
    disclosedBecause: null,
    restricted,
  });
  const disclosed = (disclosedSince: Date | null, disclosedBecause: DisclosureReason): Disclosure => ({
    ...decided('DISCLOSED', false),
    disclosedSince,
    disclosedBecause,
  });

  if (!verified) return decided('UNVERIFIED', deadlinePassed);
  if (account.consent === 'YES') return disclosed(account.consentAt, 'CONSENT');
  if (stage.mode === 'MANDATORY' && deadlinePassed) return disclosed(deadline, 'MANDATORY_DEADLINE');
  if (account.consent === 'NO') return decided('REFUSED', true);
  if (deadlinePassed) return decided('REFUSED', true);
  return decided('NOTICE', false);
}

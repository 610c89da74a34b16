// An independent, deliberately simple statement of when a real name MAY be shown, written apart from the
// policy module so that a bug there cannot hide itself here. It is a necessary condition: the service may
// show less, never more.
import type { AccountFacts, PolicyStage, RealNameViewers, Viewer } from '../../src/policy/types';

const DAY_MS = 24 * 60 * 60 * 1000; // written out: the oracle shares no code with the policy

function viewerAllowed(viewer: Viewer, owner: string, setting: RealNameViewers): boolean {
  if (viewer.id === owner) return true;
  if (setting === 'anyone') return true;
  if (setting === 'signed-in') return viewer.id !== null;
  return viewer.id !== null && viewer.verified;
}

function mandatoryDeadlinePassed(account: AccountFacts, stages: PolicyStage[], now: Date, ratio: number): boolean {
  if (account.notifiedAt === null) return false;
  return stages.some(
    (stage) =>
      stage.mode === 'MANDATORY' &&
      stage.id === account.notifiedStageId &&
      stage.effectiveFrom <= now &&
      (stage.retiredAt === null || now < stage.retiredAt) &&
      (!stage.categories?.length || stage.categories.includes(account.category ?? '')) &&
      account.followerCount >= stage.minFollowers * ratio &&
      Math.max(account.notifiedAt!.getTime(), stage.effectiveFrom.getTime()) + stage.noticeDays * DAY_MS <=
        now.getTime(),
  );
}

export function realNameMayBeShown(
  account: AccountFacts,
  stages: PolicyStage[],
  now: Date,
  viewer: Viewer,
  setting: RealNameViewers,
  ratio = 0.9,
): boolean {
  if (account.verification !== 'VERIFIED' || !account.realName) return false;
  if (!viewerAllowed(viewer, account.userId, setting)) return false;
  return account.consent === 'YES' || mandatoryDeadlinePassed(account, stages, now, ratio);
}

/** When a real name MUST be shown: a verified account that consented, to a viewer the gate lets through. */
export function realNameMustBeShown(account: AccountFacts, viewer: Viewer, setting: RealNameViewers): boolean {
  return (
    account.verification === 'VERIFIED' &&
    !!account.realName &&
    account.consent === 'YES' &&
    viewerAllowed(viewer, account.userId, setting)
  );
}

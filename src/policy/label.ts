// An account's identity label as one viewer may see it: the disclosure decision with the viewer gate applied.
import { decideDisclosure, type Disclosure } from './disclosure';
import type {
  AccountFacts,
  PolicyRules,
  PolicyStage,
  RealNameOpener,
  RealNameViewers,
  SubjectKind,
  Viewer,
} from './types';
import { revealedRealName } from './viewer-gate';

export interface IdentityLabel extends Disclosure {
  /** The real name, only when disclosed and the viewer may see it; null otherwise. */
  realName: string | null;
  subjectKind: SubjectKind | null;
}

export interface LabelSettings extends PolicyRules {
  realNameViewers: RealNameViewers;
}

/** The label; throws the opener's error when the name is due to this viewer but cannot be opened. */
export function decideIdentityLabel(
  account: AccountFacts | undefined,
  stages: readonly PolicyStage[],
  now: Date,
  viewer: Viewer,
  settings: LabelSettings,
  openRealName: RealNameOpener,
): IdentityLabel {
  const disclosure = decideDisclosure(account, stages, now, settings);
  return {
    ...disclosure,
    realName: revealedRealName(account, disclosure, viewer, settings.realNameViewers, openRealName),
    subjectKind: account?.subjectKind ?? null,
  };
}

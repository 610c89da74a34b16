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

/** The subject kinds an account may have (null: none on file, or an id this service has never seen). */
export const SUBJECT_KINDS_OR_NONE = [null, 'INDIVIDUAL', 'ORGANIZATION'] as const;

/**
 * The label of an account that is not subject, one per subject kind, shared: most accounts of a feed are not
 * subject, and a label of theirs holds nothing of the account or the viewer (no name is due to anyone).
 */
const notSubjectLabels = new Map<SubjectKind | null, IdentityLabel>(
  SUBJECT_KINDS_OR_NONE.map((subjectKind) => [
    subjectKind,
    Object.freeze({
      ...decideDisclosure(undefined, [], new Date(0), { hysteresisRatio: 1 }),
      realName: null,
      subjectKind,
    }),
  ]),
);

/** The label of an account that is not subject, of this kind (or of an id this service has never seen). */
export function notSubjectLabel(subjectKind: SubjectKind | null): IdentityLabel {
  return notSubjectLabels.get(subjectKind)!;
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
  if (disclosure.status === 'NOT_SUBJECT') {
    const shared = notSubjectLabels.get(account?.subjectKind ?? null);
    if (shared !== undefined) return shared;
  }
  return {
    ...disclosure,
    realName: revealedRealName(account, disclosure, viewer, settings.realNameViewers, openRealName),
    subjectKind: account?.subjectKind ?? null,
  };
}

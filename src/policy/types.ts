// The facts the disclosure policy decides from. Plain data: the policy module never touches a database.

export const VERIFICATIONS = ['VERIFIED', 'UNVERIFIED', 'REVOKED'] as const;
export type Verification = (typeof VERIFICATIONS)[number];

export const SUBJECT_KINDS = ['INDIVIDUAL', 'ORGANIZATION'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export const CONSENT_ANSWERS = ['YES', 'NO', 'NONE'] as const;
export type ConsentAnswer = (typeof CONSENT_ANSWERS)[number];

export const DISCLOSURE_MODES = ['CONSENT', 'MANDATORY'] as const;
export type DisclosureMode = (typeof DISCLOSURE_MODES)[number];

export const DISCLOSURE_STATUSES = ['NOT_SUBJECT', 'NOTICE', 'DISCLOSED', 'REFUSED', 'UNVERIFIED'] as const;
export type DisclosureStatus = (typeof DISCLOSURE_STATUSES)[number];

/** Why a DISCLOSED name is shown: the account's consent to its notice, its own choice, or a mandatory deadline. */
export const DISCLOSURE_REASONS = ['CONSENT', 'VOLUNTARY', 'MANDATORY_DEADLINE'] as const;
export type DisclosureReason = (typeof DISCLOSURE_REASONS)[number];

/** Who may read a disclosed real name (REAL_NAME_VIEWERS); the owner always may. */
export const REAL_NAME_VIEWER_SETTINGS = ['anyone', 'signed-in', 'verified'] as const;
export type RealNameViewers = (typeof REAL_NAME_VIEWER_SETTINGS)[number];

/**
 * A verified real name as the database holds it: encrypted at rest (or plain text, in a row that
 * `identity-labels keys encrypt` has not reached yet). The policy decides without reading it: whether one is on
 * file is all it asks. Only the viewer gate opens one, through the RealNameOpener the read path hands it, and
 * only a name it reveals. Two accounts hold the same name when they hold the same value: a write that keeps a
 * name keeps its value (the import compares the texts before it seals a new one).
 */
export interface SealedRealName {
  readonly sealed: true;
}

/** Opens a sealed name; throws when it cannot be read (a key that is not configured, a tampered value). */
export type RealNameOpener = (name: SealedRealName) => string;

/** One platform account as this service knows it. */
export interface AccountFacts {
  userId: string;
  /** The verified legal name; for an organization, its registered organization name. */
  realName: SealedRealName | null;
  subjectKind: SubjectKind | null;
  verification: Verification;
  followerCount: number;
  category: string | null;
  notifiedAt: Date | null;
  /** The stage the account was notified under; its deadline and hysteresis margin are that stage's only. */
  notifiedStageId: number | null;
  consent: ConsentAnswer;
  consentAt: Date | null;
}

/**
 * A stage of the regulation: from `effectiveFrom` until it is retired, accounts with at least `minFollowers`
 * are subject.
 */
export interface PolicyStage {
  id: number;
  name: string;
  minFollowers: number;
  /** null or empty: every category. */
  categories: string[] | null;
  effectiveFrom: Date;
  noticeDays: number;
  mode: DisclosureMode;
  /** From this time on the stage governs nobody; null while it is not retired. */
  retiredAt: Date | null;
}

/** Who is asking, as the router tells us. */
export interface Viewer {
  /** null when nobody is signed in. */
  id: string | null;
  /** true when the viewer has verified their own identity on the platform. */
  verified: boolean;
}

export interface PolicyRules {
  hysteresisRatio: number;
  // A rule added here is one a noted NOT_SUBJECT label depends on: StageEpoch (stage-epoch.ts) must hold it too.
}

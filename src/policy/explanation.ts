// Why an account's label is what it is, in words its owner can act on (PIPL Art. 48: the owner may ask for
// an explanation). Decided from the same facts and rules as the label itself, so the two cannot disagree.
import { decideDisclosure, followerFloor, hasVerifiedRealName, type Disclosure } from './disclosure';
import type { AccountFacts, ConsentAnswer, DisclosureStatus, PolicyRules, PolicyStage } from './types';

export interface LabelExplanation {
  status: DisclosureStatus;
  /** The stage that makes the account subject, if any. */
  stage: PolicyStage | null;
  /** The follower count that keeps it subject under that stage (lower than the minimum once notified), rounded up. */
  followerFloor: number | null;
  followerCount: number;
  category: string | null;
  noticeDeadline: Date | null;
  consent: ConsentAnswer;
  /** What the status means for this account. */
  summary: string;
  /** What answering yes would do now. */
  ifYouConsent: string;
  /** What answering no would do now. */
  ifYouRefuse: string;
}

const day = (date: Date | null) => (date === null ? 'the deadline' : date.toISOString().slice(0, 10));

function summaryOf(status: DisclosureStatus, stage: PolicyStage | null, deadline: Date | null): string {
  const under = stage === null ? '' : ` under stage "${stage.name}" (${stage.minFollowers} followers or more)`;
  switch (status) {
    case 'NOT_SUBJECT':
      return 'No stage of the policy covers the account: its real name is not shown.';
    case 'NOTICE':
      return `The account is subject${under} and was notified: it may answer until ${day(deadline)}.`;
    case 'DISCLOSED':
      return stage === null
        ? 'The account chose to show its real name, though no stage requires it.'
        : `The account is subject${under} and its real name is shown.`;
    case 'REFUSED':
      return `The account is subject${under}; it refused or let ${day(deadline)} pass: its name is hidden and the account is restricted.`;
    case 'UNVERIFIED':
      return `The account is subject${under} but has no verified real name on file: nothing can be shown until it verifies.`;
  }
}

function ifYouConsent(status: DisclosureStatus, verified: boolean): string {
  if (!verified) return 'Consenting is not possible without a verified real name.';
  if (status === 'DISCLOSED') return 'Nothing changes: the name is already shown.';
  return 'The real name is shown beside the nickname from then on, and any restriction ends.';
}

function ifYouRefuse(disclosure: Disclosure): string {
  const { status, stage, noticeDeadline } = disclosure;
  if (stage === null) return status === 'DISCLOSED' ? 'The name is hidden again.' : 'Nothing changes.';
  if (stage.mode === 'MANDATORY') {
    return disclosure.disclosedBecause === 'MANDATORY_DEADLINE'
      ? 'Nothing changes: the stage is mandatory and its deadline has passed, so the name stays shown.'
      : `The name is hidden until ${day(noticeDeadline)}; the stage is mandatory, so it is shown from then on.`;
  }
  return 'The name is hidden, and the account is restricted (ranking and monetization services may act on it).';
}

export function explainLabel(
  account: AccountFacts | undefined,
  stages: readonly PolicyStage[],
  now: Date,
  rules: PolicyRules,
): LabelExplanation {
  const disclosure = decideDisclosure(account, stages, now, rules);
  const { stage } = disclosure;
  return {
    status: disclosure.status,
    stage,
    followerFloor: stage === null || account === undefined ? null : Math.ceil(followerFloor(stage, account, rules)),
    followerCount: account?.followerCount ?? 0,
    category: account?.category ?? null,
    noticeDeadline: disclosure.noticeDeadline,
    consent: account?.consent ?? 'NONE',
    summary: summaryOf(disclosure.status, stage, disclosure.noticeDeadline),
    ifYouConsent: ifYouConsent(disclosure.status, account !== undefined && hasVerifiedRealName(account)),
    ifYouRefuse: ifYouRefuse(disclosure),
  };
}

// What a notice does to an account: notify applies it, and a policy change is previewed with it. Pure.
import type { AccountFacts, PolicyStage } from './types';

/**
 * The account once told about this stage. A refusal given before this notice does not answer it: the
 * account answers afresh. A consent stays (it discloses, voluntarily or not).
 */
export function toldAbout(account: AccountFacts, stage: PolicyStage, now: Date): AccountFacts {
  const after: AccountFacts = { ...account, notifiedAt: now, notifiedStageId: stage.id };
  return account.consent === 'NO' ? { ...after, consent: 'NONE', consentAt: null } : after;
}

/** The account once out of scope: no notice, and a refusal cleared with it (it answered that notice). */
export function letGo(account: AccountFacts): AccountFacts {
  const after: AccountFacts = { ...account, notifiedAt: null, notifiedStageId: null };
  return account.consent === 'NO' ? { ...after, consent: 'NONE', consentAt: null } : after;
}

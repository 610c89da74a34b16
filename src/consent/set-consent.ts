// An account's own answer to disclosure: consent (yes) or refusal / withdrawal (no), stored and audited.
import type { DataSource } from 'typeorm';
import { lockAccounts, newAccount, saveAccountChanges } from '../db/account-writes';
import { inWriteTransaction } from '../db/write-transaction';
import { forbidden } from '../errors';
import { governingStage, hasVerifiedRealName } from '../policy/disclosure';
import type { AccountFacts, PolicyRules, PolicyStage } from '../policy/types';

export interface ConsentOptions {
  stages: readonly PolicyStage[];
  rules: PolicyRules;
  now: Date;
}

/**
 * A subject account answers its notice; any verified account may disclose voluntarily, and withdraw that.
 * An account neither subject nor verified has nothing to disclose: consenting is refused with FORBIDDEN.
 * Giving the same answer again changes nothing (its time stays that of the first answer). Answers given at
 * once (two devices, a retrying client) each get the answer the account then has: a collision with another
 * writer runs the transaction again.
 */
export async function setRealNameConsent(
  dataSource: DataSource,
  userId: string,
  consent: boolean,
  options: ConsentOptions,
): Promise<AccountFacts> {
  return inWriteTransaction(dataSource, async (manager) => {
    const before = (await lockAccounts(manager, [userId])).get(userId);
    const current = before ?? newAccount(userId);
    const subject = governingStage(current, options.stages, options.now, options.rules) !== null;
    if (consent && !subject && !hasVerifiedRealName(current)) {
      throw forbidden(`account ${userId} has no verified real name to disclose`);
    }
    const answer = consent ? 'YES' : 'NO';
    if (current.consent === answer) return current;
    // Refusing for an account this service has never seen changes nothing: store nothing for it.
    if (before === undefined && !consent) return current;
    const after: AccountFacts = { ...current, consent: answer, consentAt: options.now };
    await saveAccountChanges(
      manager,
      [{ before, after, cause: 'mutation setRealNameConsent' }],
      options.stages,
      options.now,
      options.rules,
    );
    return after;
  });
}

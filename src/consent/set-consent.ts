// An account's own answer to disclosure: consent (yes) or refusal / withdrawal (no), stored and audited.
import type { DataSource } from 'typeorm';
import { lockAccounts, newAccount, saveAccountChanges } from '../db/account-writes';
import { DatabaseTimeoutError, isDatabaseFailure } from '../db/database-errors';
import { inWriteTransaction } from '../db/write-transaction';
import { forbidden } from '../errors';
import { governingStage, hasVerifiedRealName } from '../policy/disclosure';
import type { AccountFacts, PolicyRules, PolicyStage } from '../policy/types';
import { withTimeout } from '../timeout';

export interface ConsentOptions {
  stages: readonly PolicyStage[];
  rules: PolicyRules;
  now: Date;
  /**
   * Longest wait for the write, retries included: a statement that timed out on a stalled connection is
   * followed by a ROLLBACK that TypeORM sends without a bound. The transaction commits whole or not at all,
   * and giving the same answer again changes nothing, so a caller that tries again gets the same result.
   */
  timeoutMs: number;
  /**
   * Told once the transaction has settled, never before: after its commit, or after a database failure
   * whose outcome is unknown (a commit that lost its connection may have gone through). A caller that
   * stopped waiting (timeoutMs) is still followed by it when the transaction ends.
   */
  onCommitted: (userIds: readonly string[]) => void;
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
  let changed = false;
  const writing = inWriteTransaction(dataSource, async (manager) => {
    changed = false; // a retried transaction decides afresh
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
    changed = true;
    return after;
  }).then(
    (account) => {
      if (changed) options.onCommitted([userId]);
      return account;
    },
    (error: unknown) => {
      if (isDatabaseFailure(error)) options.onCommitted([userId]);
      throw error;
    },
  );
  return withTimeout(writing, options.timeoutMs, () => {
    throw new DatabaseTimeoutError(`storing a consent answer took over ${options.timeoutMs} ms`);
  });
}

// The consent mutation's use case as the server runs it: the viewer's answer is stored under the stages in
// force, bounded in time, and the other instances are told after the commit (set-consent.ts). A database
// failure becomes IDENTITY_UNAVAILABLE ("try again later"), with its cause in the server log only.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { isDatabaseFailure } from '../db/database-errors';
import { errorForLog, identityUnavailable } from '../errors';
import type { AccountFacts, PolicyRules, PolicyStage } from '../policy/types';
import { setRealNameConsent } from './set-consent';

/** The stored answer, with the stages and the time it was decided under (the label is decided from them). */
export interface ConsentOutcome {
  account: AccountFacts;
  stages: readonly PolicyStage[];
  now: Date;
}

export interface ConsentService {
  answer(userId: string, consent: boolean): Promise<ConsentOutcome>;
}

export interface ConsentServiceOptions {
  /** Writes go to the primary. */
  dataSource: DataSource;
  stages: () => readonly PolicyStage[];
  rules: PolicyRules;
  clock: () => Date;
  /** Longest a write may take, retries included. */
  timeoutMs: number;
  /** Tells every instance (this one at once) which accounts a committed write changed. */
  onCommitted: (userIds: readonly string[]) => void;
  log: Logger;
}

export function createConsentService(options: ConsentServiceOptions): ConsentService {
  return {
    async answer(userId, consent) {
      const now = options.clock();
      const stages = options.stages();
      const account = await setRealNameConsent(options.dataSource, userId, consent, {
        stages,
        rules: options.rules,
        now,
        timeoutMs: options.timeoutMs,
        onCommitted: options.onCommitted,
      }).catch((error: unknown) => {
        // An outage, not the caller's fault: "try again later", and a warning for the operator, with its cause.
        if (!isDatabaseFailure(error)) throw error;
        options.log.warn({ err: errorForLog(error) }, 'consent could not be stored');
        throw identityUnavailable(error);
      });
      return { account, stages, now };
    },
  };
}

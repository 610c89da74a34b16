// The server runs notify on an interval, so an account that crosses a threshold is told without a cron job, and
// a notice deadline that passed is announced (announce-deadlines.ts) within an interval of it.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { loadPolicyStages } from '../db/policy-stages';
import { errorForLog } from '../errors';
import type { PolicyRules } from '../policy/types';
import { announcePassedDeadlines } from './announce-deadlines';
import { notifyAccounts } from './notify-accounts';

export interface NotifySchedule {
  /** Stops the interval and waits for a run in progress. */
  stop(): Promise<void>;
}

export interface NotifyScheduleOptions {
  intervalSeconds: number;
  rules: PolicyRules;
  clock: () => Date;
  log: Logger;
  /** After each committed chunk that changed accounts: caches forget them. */
  onAccountsChanged: (userIds: readonly string[]) => void;
}

export function scheduleNotify(dataSource: DataSource, options: NotifyScheduleOptions): NotifySchedule {
  let running: Promise<void> | undefined;
  const runOnce = async () => {
    try {
      const stages = await loadPolicyStages(dataSource);
      const result = await notifyAccounts(dataSource, {
        stages,
        rules: options.rules,
        now: options.clock(),
        cause: 'server notify',
        onCommitted: options.onAccountsChanged,
      });
      const deadlinesPassed = await announcePassedDeadlines(dataSource, {
        stages,
        rules: options.rules,
        now: options.clock(),
      });
      if (result.notified > 0 || result.withdrawn > 0 || deadlinesPassed > 0) {
        options.log.info({ ...result, deadlinesPassed }, 'notify run');
      }
    } catch (error) {
      options.log.warn({ err: errorForLog(error) }, 'notify run failed, will retry');
    }
  };
  const timer = setInterval(() => {
    running ??= runOnce().finally(() => (running = undefined)); // never two at once
  }, options.intervalSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

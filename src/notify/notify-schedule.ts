// The server runs notify on an interval, so an account that crosses a threshold is told without a cron job.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { loadPolicyStages } from '../db/policy-stage-cache';
import { notifyAccounts } from './notify-accounts';

export interface NotifySchedule {
  stop(): Promise<void>;
}

export function scheduleNotify(
  dataSource: DataSource,
  intervalSeconds: number,
  hysteresisRatio: number,
  clock: () => Date,
  log: Logger,
  /** After a run that changed (or may have changed) accounts: the account cache forgets what it holds. */
  onAccountsChanged: () => void = () => undefined,
): NotifySchedule {
  let running: Promise<void> | undefined;
  const runOnce = async () => {
    let unchanged = false;
    try {
      const result = await notifyAccounts(dataSource, {
        stages: await loadPolicyStages(dataSource),
        rules: { hysteresisRatio },
        now: clock(),
        cause: 'server notify',
      });
      unchanged = result.notified === 0 && result.withdrawn === 0;
      if (!unchanged) log.info(result, 'notify run');
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'notify run failed, will retry');
    } finally {
      if (!unchanged) onAccountsChanged(); // a failed run may have committed some chunks
    }
  };
  const timer = setInterval(() => {
    if (running === undefined) running = runOnce().finally(() => (running = undefined)); // never two at once
  }, intervalSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

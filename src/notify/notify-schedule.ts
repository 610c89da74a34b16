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
): NotifySchedule {
  let running: Promise<void> | undefined;
  const runOnce = async () => {
    try {
      const result = await notifyAccounts(dataSource, {
        stages: await loadPolicyStages(dataSource),
        rules: { hysteresisRatio },
        now: clock(),
        cause: 'server notify',
      });
      if (result.notified > 0 || result.withdrawn > 0) log.info(result, 'notify run');
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'notify run failed, will retry');
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

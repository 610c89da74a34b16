// The server's own purge of expired data, on PURGE_INTERVAL_SECONDS (0: left to `identity-labels purge`).
import type { Logger } from 'pino';
import type { Config } from '../config';
import { errorForLog } from '../errors';
import { purgeExpired } from '../retention/purge-expired';
import type { Lifecycle } from './lifecycle';
import type { Storage } from './storage';

export function startPurgeSchedule(
  config: Config,
  storage: Storage,
  options: { log: Logger; clock: () => Date },
  lifecycle: Lifecycle,
): void {
  if (config.retention.intervalSeconds === 0 || config.databaseUrl === undefined) return;
  let running: Promise<void> | undefined;
  const runOnce = async () => {
    try {
      const result = await purgeExpired(storage.dataSource, config.retention, options.clock());
      if (Object.values(result).some((count) => count > 0)) options.log.info(result, 'purged expired data');
    } catch (error) {
      options.log.warn({ err: errorForLog(error) }, 'purge of expired data failed, will retry');
    }
  };
  const timer = setInterval(() => {
    running ??= runOnce().finally(() => (running = undefined)); // never two at once
  }, config.retention.intervalSeconds * 1000);
  timer.unref();
  lifecycle.add(async () => {
    clearInterval(timer);
    await running;
  });
}

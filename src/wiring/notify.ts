// The server's own notify run, on NOTIFY_INTERVAL_SECONDS (0: left to `identity-labels notify`).
import type { Logger } from 'pino';
import type { Config } from '../config';
import { scheduleNotify } from '../notify/notify-schedule';
import { withTimeout } from '../timeout';
import type { Lifecycle } from './lifecycle';
import type { ReadPath } from './read-path';
import { DRAIN_DEADLINE_MS } from './serving';
import type { Storage } from './storage';

export function startNotifySchedule(
  config: Config,
  storage: Storage,
  readPath: ReadPath,
  options: { log: Logger; clock: () => Date },
  lifecycle: Lifecycle,
): void {
  if (config.notifyIntervalSeconds === 0) return;
  const schedule = scheduleNotify(storage.dataSource, {
    intervalSeconds: config.notifyIntervalSeconds,
    rules: { hysteresisRatio: config.hysteresisRatio },
    clock: options.clock,
    log: options.log,
    onAccountsChanged: (userIds) => void readPath.changes.announce({ userIds }),
  });
  // A run still going is given the drain deadline; cut short, its open transaction rolls back.
  lifecycle.add(() => withTimeout(schedule.stop(), DRAIN_DEADLINE_MS, () => undefined));
}

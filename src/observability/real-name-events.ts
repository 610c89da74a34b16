// What the read path reports about real names: decryptions and unreadable names are counted on /metrics, and
// an unreadable name is logged with its reason and key id, at most once a minute for each pair, so that a
// popular account under a lost key does not flood the log. Never the account's name, never a key.
import type { Logger } from 'pino';
import type { RealNameObserver } from '../real-names/real-names';
import { errorForLog } from '../errors';
import type { Metrics } from './metrics';

const LOG_INTERVAL_MS = 60_000;

export function realNameEvents(metrics: Metrics, log: Logger, now: () => number = Date.now): RealNameObserver {
  const lastLogged = new Map<string, number>();
  return {
    decrypted: () => metrics.realNameDecryptions.inc(),
    unreadable(error) {
      metrics.unreadableRealNames.inc({ reason: error.reason });
      const key = `${error.reason} ${error.keyId ?? ''}`;
      const last = lastLogged.get(key);
      if (last !== undefined && now() - last < LOG_INTERVAL_MS) return;
      lastLogged.set(key, now());
      log.warn({ err: errorForLog(error) }, 'real name unreadable: the nickname stands in (logged once a minute)');
    },
  };
}

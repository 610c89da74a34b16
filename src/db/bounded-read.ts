// A read of the read path, made safe to wait for: bounded in time (queueing for a pooled connection
// included) and tried once more when its pooled connection turns out to be dead.
import { withTimeout } from '../timeout';
import { isDeadConnection, DatabaseTimeoutError } from './database-errors';

export { DatabaseTimeoutError } from './database-errors';

/** `read`, tried once more on a dead connection (a read is safe to repeat), failing with a DatabaseTimeoutError after `timeoutMs`. */
export function boundedRead<T>(read: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  const once = read().catch((error: unknown) => {
    if (isDeadConnection(error)) return read();
    throw error;
  });
  return withTimeout(once, timeoutMs, () => {
    throw new DatabaseTimeoutError(`${what} took over ${timeoutMs} ms`);
  });
}

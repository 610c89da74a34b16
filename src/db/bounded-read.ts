// A read of the read path, made safe to wait for: bounded in time (queueing for a pooled connection
// included) and tried once more when its pooled connection turns out to be dead.
import { errorForLog } from '../errors';
import { withTimeout } from '../timeout';

export class LookupTimeoutError extends Error {
  override name = 'LookupTimeoutError';
}

/**
 * A pooled connection that the server (or the network) closed fails once when it is next used; mysql2 then
 * drops it from the pool. A read is safe to repeat, so that one failure is retried on a fresh connection.
 */
function isDeadConnection(error: unknown): boolean {
  const { code, message } = errorForLog(error);
  return (
    code === 'PROTOCOL_CONNECTION_LOST' || code === 'ECONNRESET' || code === 'EPIPE' || /closed state/.test(message)
  );
}

/** `read`, retried once on a dead connection, failing with a LookupTimeoutError after `timeoutMs`. */
export function boundedRead<T>(read: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  const once = read().catch((error: unknown) => {
    if (isDeadConnection(error)) return read();
    throw error;
  });
  return withTimeout(once, timeoutMs, () => {
    throw new LookupTimeoutError(`${what} took over ${timeoutMs} ms`);
  });
}

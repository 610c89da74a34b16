// A body refused as too large is still on its way: Fastify answers 413 and closes the connection at once,
// and a client still sending it gets a broken pipe (EPIPE) instead of the answer. Reading the rest and
// throwing it away first lets the client finish sending and read the 413, up to a bound past which the
// connection is closed anyway (a client may send without end).
import type { IncomingMessage } from 'node:http';

/** Read and dropped, at most, before a 413 is sent: well past any body a client means to send. */
export const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;
/** The longest a refused body is waited for. */
export const DISCARD_TIMEOUT_MS = 10_000;

/**
 * Reads and drops the rest of `request`'s body. Resolves when it has ended (true), or when the bound or the
 * time ran out or the client went away (false); never rejects. Nothing of the body is kept.
 */
export function discardBody(
  request: IncomingMessage,
  { maxBytes = MAX_DISCARDED_BYTES, timeoutMs = DISCARD_TIMEOUT_MS } = {},
): Promise<boolean> {
  if (request.complete || request.readableEnded || request.destroyed) return Promise.resolve(request.complete);
  // Announced longer than the bound: reading up to it would be for nothing.
  if (Number(request.headers['content-length']) > maxBytes) return Promise.resolve(false);
  return new Promise((resolve) => {
    let received = 0;
    const finish = (ended: boolean) => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onFailure);
      request.off('close', onFailure);
      if (!ended) request.pause();
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onFailure = () => finish(false);
    const timer = setTimeout(onFailure, timeoutMs);
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onFailure);
    request.on('close', onFailure);
    request.resume();
  });
}

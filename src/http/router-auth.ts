// Only the router gets in: with ROUTER_SECRET set, a GraphQL request without the shared secret in the
// router-authorization header is answered 401 and nothing else, before its body is even read.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const ROUTER_AUTHORIZATION_HEADER = 'router-authorization';

/** Hashing first gives both sides the same length, so the comparison takes the same time for any guess. */
export function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function secretMatches(expectedDigest: Buffer, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  return timingSafeEqual(expectedDigest, digest(presented));
}

export function requireRouterSecret(secret: string) {
  const expectedDigest = digest(secret);
  // A router keeps its connections open: a connection that has shown the secret once is compared with what it
  // showed, not hashed again on every request. Only a client that knows the secret gets an entry here, so the
  // plain comparison tells nothing to one that does not.
  const shownOn = new WeakMap<object, string>();
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const presented = request.headers[ROUTER_AUTHORIZATION_HEADER];
    const connection = request.raw.socket;
    if (typeof presented === 'string' && shownOn.get(connection) === presented) return;
    if (typeof presented === 'string' && secretMatches(expectedDigest, presented)) {
      shownOn.set(connection, presented);
      return;
    }
    await reply
      .code(401)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ errors: [{ message: 'unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] });
  };
}

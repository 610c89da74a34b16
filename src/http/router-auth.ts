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
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (secretMatches(expectedDigest, request.headers[ROUTER_AUTHORIZATION_HEADER])) return;
    await reply
      .code(401)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ errors: [{ message: 'unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] });
  };
}

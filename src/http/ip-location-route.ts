// POST /ip-locations: the posts service records where posts were made from, service to service (not through
// the router). HTTP only: the bearer secret (compared in constant time), the body's size and type, and
// JSON in and out; what a record means is the recording module's business. A request carries addresses:
// no error message here repeats the body, and nothing of it is logged.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode, errorForLog } from '../errors';
import { discardBody } from './discard-body';
import { digest, secretMatches } from './router-auth';

export const IP_LOCATIONS_PATH = '/ip-locations';
/** 1,000 records of the longest ids fit with room to spare. */
export const IP_LOCATIONS_BODY_LIMIT = 1024 * 1024;

export interface IpLocationEndpoint {
  /** The bearer secret the posts service sends; undefined only in the embedded demo (no authentication). */
  secret: string | undefined;
  /** Records the request's body; throws a GraphQLError with a code (BAD_REQUEST) or fails on the database. */
  record(body: unknown): Promise<unknown>;
}

function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ errors: [{ message, extensions: { code } }] });
}

/** Fastify's own refusals of the body, in words of ours: its messages may quote the body. */
const BODY_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, `the body must be at most ${IP_LOCATIONS_BODY_LIMIT} bytes`],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'the body is empty: send {"records": [...]}'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'the body is not valid JSON'],
};

function isGraphQLError(error: unknown): error is GraphQLError {
  return typeof (error as GraphQLError | null)?.extensions?.code === 'string';
}

export function registerIpLocationRoute(fastify: FastifyInstance, endpoint: IpLocationEndpoint, log: Logger): void {
  const expected = endpoint.secret === undefined ? undefined : digest(endpoint.secret);
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    if (expected === undefined) return;
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (secretMatches(expected, token)) return;
    await sendError(reply.header('www-authenticate', 'Bearer'), 401, ErrorCode.UNAUTHENTICATED, 'unauthorized');
  };
  // Checked before the body is read: Fastify would otherwise parse text/plain too.
  const requireJson = async (request: FastifyRequest, reply: FastifyReply) => {
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json')
      await sendError(reply, 415, ErrorCode.BAD_REQUEST, 'the body must be application/json');
  };
  fastify.route({
    method: 'POST',
    url: IP_LOCATIONS_PATH,
    bodyLimit: IP_LOCATIONS_BODY_LIMIT,
    onRequest: [authenticate, requireJson],
    errorHandler: async (error: FastifyError, request, reply) => {
      const known = BODY_ERRORS[error.code];
      // The client may still be sending: let it finish, or it reads a broken pipe instead of the 413.
      if (known?.[0] === 413) await discardBody(request.raw);
      if (known !== undefined) return sendError(reply, known[0], ErrorCode.BAD_REQUEST, known[1]);
      if (error.statusCode === 400) {
        return sendError(reply, error.statusCode, ErrorCode.BAD_REQUEST, 'the body must be a JSON object');
      }
      log.error({ err: errorForLog(error) }, 'ip location request failed');
      return sendError(reply, 500, 'INTERNAL_SERVER_ERROR', 'internal error');
    },
    handler: async (request, reply) => {
      try {
        return await endpoint.record(request.body);
      } catch (error) {
        if (isGraphQLError(error) && error.extensions.code === ErrorCode.BAD_REQUEST) {
          return sendError(reply, 400, ErrorCode.BAD_REQUEST, error.message);
        }
        // The records hold addresses; the driver's error does not (they never reach SQL).
        log.warn({ err: errorForLog(error) }, 'ip locations could not be stored');
        return sendError(
          reply,
          503,
          ErrorCode.IP_LOCATION_UNAVAILABLE,
          'ip locations could not be stored, try again later',
        );
      }
    },
  });
}

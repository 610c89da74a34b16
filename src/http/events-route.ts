// POST /events: the platform's events over HTTP, service to service (not through the router), for a platform
// without NATS. HTTP only: the bearer secret (compared in constant time), the body's size and type, JSON in and
// out; what an event means is the events module's business. Events carry names and addresses: no error
// message here repeats the body, and nothing of it is logged.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode, errorForLog } from '../errors';
import { digest, secretMatches } from './router-auth';

export const EVENTS_PATH = '/events';
/** 1,000 events of a few hundred bytes each, with room to spare. */
export const EVENTS_BODY_LIMIT = 2 * 1024 * 1024;
/** The CloudEvents HTTP binding's batch mode, and plain JSON: both a JSON array of structured events. */
const CONTENT_TYPES = new Set(['application/json', 'application/cloudevents-batch+json']);

export interface EventsEndpoint {
  /** The bearer secret the platform sends (EVENTS_WRITER_SECRET). */
  secret: string;
  /** Applies the body's events; throws a GraphQLError with a code (BAD_REQUEST) or fails on the database. */
  receive(body: unknown): Promise<unknown>;
}

function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ errors: [{ message, extensions: { code } }] });
}

/** Fastify's own refusals of the body, in words of ours: its messages may quote the body. */
const BODY_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, `the body must be at most ${EVENTS_BODY_LIMIT} bytes`],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'the body is empty: send a JSON array of CloudEvents'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'the body is not valid JSON'],
};

function isGraphQLError(error: unknown): error is GraphQLError {
  return typeof (error as GraphQLError | null)?.extensions?.code === 'string';
}

export function registerEventsRoute(fastify: FastifyInstance, endpoint: EventsEndpoint, log: Logger): void {
  const expected = digest(endpoint.secret);
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (secretMatches(expected, token)) return;
    await sendError(reply.header('www-authenticate', 'Bearer'), 401, ErrorCode.UNAUTHENTICATED, 'unauthorized');
  };
  // Checked before the body is read.
  const requireJson = async (request: FastifyRequest, reply: FastifyReply) => {
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type === undefined || !CONTENT_TYPES.has(type)) {
      await sendError(
        reply,
        415,
        ErrorCode.BAD_REQUEST,
        'the body must be application/json (or application/cloudevents-batch+json)',
      );
    }
  };
  // A scope of its own: the batch content type is parsed as JSON here, and nowhere else.
  void fastify.register(async (scope) => {
    scope.addContentTypeParser(
      'application/cloudevents-batch+json',
      { parseAs: 'string', bodyLimit: EVENTS_BODY_LIMIT },
      scope.getDefaultJsonParser('error', 'error'),
    );
    scope.route({
      method: 'POST',
      url: EVENTS_PATH,
      bodyLimit: EVENTS_BODY_LIMIT,
      onRequest: [authenticate, requireJson],
      errorHandler: async (error: FastifyError, _request, reply) => {
        const known = BODY_ERRORS[error.code];
        if (known !== undefined) return sendError(reply, known[0], ErrorCode.BAD_REQUEST, known[1]);
        if (error.statusCode === 400) return sendError(reply, 400, ErrorCode.BAD_REQUEST, 'the body is not valid JSON');
        log.error({ err: errorForLog(error) }, 'events request failed');
        return sendError(reply, 500, 'INTERNAL_SERVER_ERROR', 'internal error');
      },
      handler: async (request, reply) => {
        try {
          return await endpoint.receive(request.body);
        } catch (error) {
          if (isGraphQLError(error) && error.extensions.code === ErrorCode.BAD_REQUEST) {
            return sendError(reply, 400, ErrorCode.BAD_REQUEST, error.message);
          }
          // Nothing was applied (one transaction): the platform sends the same request again later.
          log.warn({ err: errorForLog(error) }, 'events could not be applied');
          return sendError(
            reply,
            503,
            ErrorCode.EVENTS_UNAVAILABLE,
            'the events could not be applied, try again later',
          );
        }
      },
    });
  });
}

// POST /events: the platform's events over HTTP, service to service (not through the router), for a platform
// without NATS. HTTP only: the bearer secret (compared in constant time), the body's size and type, JSON in and
// out; what an event means is the events module's business. Events carry names and addresses: no error
// message here repeats the body, and nothing of it is logged.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors';
import { writerRoute } from './writer-route';

export const EVENTS_PATH = '/events';
/** 1,000 events of a few hundred bytes each, with room to spare. */
export const EVENTS_BODY_LIMIT = 2 * 1024 * 1024;
/** The CloudEvents HTTP binding's batch mode, and plain JSON: both a JSON array of structured events. */
const CONTENT_TYPES = ['application/json', 'application/cloudevents-batch+json'];

export interface EventsEndpoint {
  /** The bearer secret the platform sends (EVENTS_WRITER_SECRET). */
  secret: string;
  /** Applies the body's events; throws a GraphQLError with a code (BAD_REQUEST) or fails on the database. */
  receive(body: unknown): Promise<unknown>;
}

export function registerEventsRoute(fastify: FastifyInstance, endpoint: EventsEndpoint, log: Logger): void {
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
      ...writerRoute(
        {
          secret: endpoint.secret,
          contentTypes: CONTENT_TYPES,
          bodyErrors: {
            FST_ERR_CTP_BODY_TOO_LARGE: [413, `the body must be at most ${EVENTS_BODY_LIMIT} bytes`],
            FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'the body is empty: send a JSON array of CloudEvents'],
            FST_ERR_CTP_INVALID_JSON_BODY: [400, 'the body is not valid JSON'],
          },
          unreadableBody: 'the body is not valid JSON',
          write: (body) => endpoint.receive(body),
          unavailable: {
            code: ErrorCode.EVENTS_UNAVAILABLE,
            message: 'the events could not be applied, try again later',
            logLine: 'events could not be applied',
          },
          requestName: 'events request',
        },
        log,
      ),
    });
  });
}

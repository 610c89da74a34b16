// POST /ip-locations: the posts service records where posts were made from, service to service (not through
// the router). HTTP only: the bearer secret (compared in constant time), the body's size and type, and
// JSON in and out; what a record means is the recording module's business. A request carries addresses:
// no error message here repeats the body, and nothing of it is logged.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors';
import { writerRoute } from './writer-route';

export const IP_LOCATIONS_PATH = '/ip-locations';
/** 1,000 records of the longest ids fit with room to spare. */
export const IP_LOCATIONS_BODY_LIMIT = 1024 * 1024;

export interface IpLocationEndpoint {
  /** The bearer secret the posts service sends; undefined only in the embedded demo (no authentication). */
  secret: string | undefined;
  /** Records the request's body; throws a GraphQLError with a code (BAD_REQUEST) or fails on the database. */
  record(body: unknown): Promise<unknown>;
}

export function registerIpLocationRoute(fastify: FastifyInstance, endpoint: IpLocationEndpoint, log: Logger): void {
  fastify.route({
    method: 'POST',
    url: IP_LOCATIONS_PATH,
    bodyLimit: IP_LOCATIONS_BODY_LIMIT,
    ...writerRoute(
      {
        secret: endpoint.secret,
        contentTypes: ['application/json'],
        bodyErrors: {
          FST_ERR_CTP_BODY_TOO_LARGE: [413, `the body must be at most ${IP_LOCATIONS_BODY_LIMIT} bytes`],
          FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'the body is empty: send {"records": [...]}'],
          FST_ERR_CTP_INVALID_JSON_BODY: [400, 'the body is not valid JSON'],
        },
        unreadableBody: 'the body must be a JSON object',
        write: (body) => endpoint.record(body),
        // The records hold addresses; the driver's error does not (they never reach SQL).
        unavailable: {
          code: ErrorCode.IP_LOCATION_UNAVAILABLE,
          message: 'ip locations could not be stored, try again later',
          logLine: 'ip locations could not be stored',
        },
        requestName: 'ip location request',
      },
      log,
    ),
  });
}

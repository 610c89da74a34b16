// What the service-to-service write routes share (POST /ip-locations, POST /events): a bearer secret compared
// in constant time and a content type checked before the body is read; Fastify's refusals of the body in words
// of ours (its own may quote the body), a 413 sent once the rest of the body is drained; a bad request answered
// 400, and a failed write "try again later". Their bodies carry addresses and names: nothing of one is logged.
import type { FastifyError, FastifyReply, FastifyRequest, RouteShorthandOptionsWithHandler } from 'fastify';
import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode, errorForLog } from '../errors';
import { discardBody } from './discard-body';
import { secretCheck } from './router-auth';

export interface WriterRoute {
  /** The bearer secret the writer sends; undefined only in the embedded demo (no authentication). */
  secret: string | undefined;
  contentTypes: readonly string[];
  /** Fastify's body errors by code: [status, message]. */
  bodyErrors: Record<string, [number, string]>;
  /** What any other unreadable body is told. */
  unreadableBody: string;
  /** The write; throws a GraphQLError coded BAD_REQUEST for a bad request, anything else for a failed write. */
  write(body: unknown): Promise<unknown>;
  /** A failed write: its code, its answer, and the log line (with the cause, never the body). */
  unavailable: { code: string; message: string; logLine: string };
  /** What the log calls a request that failed in Fastify. */
  requestName: string;
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ errors: [{ message, extensions: { code } }] });
}

function isBadRequest(error: unknown): error is GraphQLError {
  return (error as GraphQLError | null)?.extensions?.code === ErrorCode.BAD_REQUEST;
}

function authenticate(secret: string | undefined) {
  const matches = secret === undefined ? undefined : secretCheck(secret);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (matches === undefined) return;
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (matches(token)) return;
    await sendError(reply.header('www-authenticate', 'Bearer'), 401, ErrorCode.UNAUTHENTICATED, 'unauthorized');
  };
}

/** Checked before the body is read: Fastify would otherwise parse text/plain too. */
function requireContentType(types: readonly string[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type === undefined || !types.includes(type)) {
      await sendError(
        reply,
        415,
        ErrorCode.BAD_REQUEST,
        `the body must be ${types.join(' (or ')}${types.length > 1 ? ')' : ''}`,
      );
    }
  };
}

/** The hooks, error handler and handler of one write route (its method, path and body limit are the caller's). */
export function writerRoute(route: WriterRoute, log: Logger): Omit<RouteShorthandOptionsWithHandler, 'bodyLimit'> {
  return {
    onRequest: [authenticate(route.secret), requireContentType(route.contentTypes)],
    errorHandler: async (error: FastifyError, request, reply) => {
      const known = route.bodyErrors[error.code];
      // The client may still be sending: let it finish, or it reads a broken pipe instead of the 413.
      if (known?.[0] === 413) await discardBody(request.raw);
      if (known !== undefined) return sendError(reply, known[0], ErrorCode.BAD_REQUEST, known[1]);
      if (error.statusCode === 400) return sendError(reply, 400, ErrorCode.BAD_REQUEST, route.unreadableBody);
      log.error({ err: errorForLog(error) }, `${route.requestName} failed`);
      return sendError(reply, 500, 'INTERNAL_SERVER_ERROR', 'internal error');
    },
    handler: async (request, reply) => {
      try {
        return await route.write(request.body);
      } catch (error) {
        if (isBadRequest(error)) return sendError(reply, 400, ErrorCode.BAD_REQUEST, error.message);
        // Nothing was written (one transaction): the writer sends the same request again later.
        log.warn({ err: errorForLog(error) }, route.unavailable.logLine);
        return sendError(reply, 503, route.unavailable.code, route.unavailable.message);
      }
    },
  };
}

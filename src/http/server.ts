// The HTTP face of the subgraph: POST /graphql for the router (in development, GET /graphql opens GraphiQL
// in a browser); /health, /ready and /metrics for the platform. HTTP only: what a request means is
// the GraphQL layer's business.
import type { ApolloServer } from '@apollo/server';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorForLog } from '../errors';
import { registerDevelopmentPage } from './development-page';
import { discardBody } from './discard-body';
import type { Metrics } from '../observability/metrics';
import { registerEventsRoute, type EventsEndpoint } from './events-route';
import { registerGraphQLRoute, type KnownAnswers } from './graphql-route';
import { registerIpLocationRoute, type IpLocationEndpoint } from './ip-location-route';
import { traceRequests } from './request-trace';
import { requireRouterSecret } from './router-auth';

export interface HttpSettings {
  port: number;
  host: string;
  maxBodyBytes: number;
  /** When set, every GraphQL request must carry it in the router-authorization header. */
  routerSecret: string | undefined;
  production: boolean;
}

export interface Readiness {
  ready: boolean;
  /** Why not, in words an operator can act on. */
  reason?: string;
  /** What an operator may want to see either way (replicas in use, the change feed); shown as it is. */
  details?: Record<string, unknown>;
}

export interface HttpServerOptions<Context extends object> {
  settings: HttpSettings;
  graphql: ApolloServer<Context>;
  /** Documents the GraphQL layer answers without Apollo's pipeline, once Apollo has answered them. */
  known?: KnownAnswers<Context>;
  /** The GraphQL context of one request, from its raw header lines ([name, value, name, value...]). */
  createContext(rawHeaders: readonly string[]): Context;
  readiness(): Promise<Readiness>;
  metrics: Metrics;
  log: Logger;
  /** POST /ip-locations for the posts service; absent: no such route. */
  ipLocations?: IpLocationEndpoint;
  /** POST /events for the platform; absent: no such route. */
  events?: EventsEndpoint;
}

export interface HttpServer {
  /** The address the server listens on, e.g. http://127.0.0.1:4001 */
  url: string;
  fastify: FastifyInstance;
  /**
   * Stops accepting, lets in-flight requests finish (then closes their keep-alive connections), and cuts
   * whatever is still open after `drainMs`.
   */
  close(drainMs: number): Promise<void>;
}

/** The port is taken by another process: the operator picks another one. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} is already in use`);
  }
}

const PROBES = new Set(['/health', '/ready', '/metrics']);

/** A URL's path without its query string: a query may carry a secret (`?access_token=`) or an operation. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** What a log line says of a request: Fastify's own fields, the URL cut to its path. */
function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: pathOf(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * A request Fastify refuses before GraphQL sees it (a body that is not JSON, too large, of another type),
 * answered in GraphQL's shape with a code. Fixed messages: a parser's own would quote the body.
 */
function refusedBody(error: FastifyError, maxBodyBytes: number): { status: number; code: string; message: string } {
  const status = error.statusCode ?? 400;
  if (status === 413) {
    return { status, code: 'PAYLOAD_TOO_LARGE', message: `the request body is over ${maxBodyBytes} bytes` };
  }
  if (status === 415) {
    return { status, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the operation as application/json' };
  }
  return { status, code: 'BAD_REQUEST', message: 'the request body is not valid JSON' };
}

/** Listens, or closes and says why not; the address a client on this machine reaches it at. */
export async function listen(fastify: FastifyInstance, settings: Pick<HttpSettings, 'port' | 'host'>): Promise<string> {
  let address: string;
  try {
    address = await fastify.listen({ port: settings.port, host: settings.host });
  } catch (error) {
    await fastify.close();
    if (errorForLog(error).code === 'EADDRINUSE') throw new PortInUseError(settings.port);
    throw error;
  }
  return address.replace('0.0.0.0', '127.0.0.1');
}

/** Fastify's own 404 repeats the URL, query string and all, in its body. */
export function answerNotFound(fastify: FastifyInstance): void {
  fastify.setNotFoundHandler(async (_request, reply) =>
    reply.code(404).send({ errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] }),
  );
}

/** Every request counted and timed by its route pattern; while closing, keep-alive is turned off. */
function countRequests(fastify: FastifyInstance, metrics: Metrics, closing: { value: boolean }): void {
  // prom-client finds a series by hashing its label object on every call: each series is looked up once here.
  const counters = new Map<string, { inc(): void }>();
  const timers = new Map<string, { observe(seconds: number): void }>();
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'; // the route pattern: never a raw URL
    const status = String(reply.statusCode);
    const series = `${route} ${request.method} ${status}`;
    let counter = counters.get(series);
    if (counter === undefined) {
      counters.set(series, (counter = metrics.httpRequests.labels({ route, method: request.method, status })));
    }
    counter.inc();
    let timer = timers.get(route);
    if (timer === undefined) timers.set(route, (timer = metrics.httpDuration.labels({ route })));
    timer.observe(reply.elapsedTime / 1000);
  });

  fastify.addHook('onSend', async (_request, reply) => {
    if (closing.value) reply.header('connection', 'close'); // a keep-alive socket would outlive the drain
  });
}

/** A request refused before GraphQL (or failing in Fastify) gets an answer in GraphQL's shape, with a code. */
function answerRefusals(fastify: FastifyInstance, maxBodyBytes: number, metrics: Metrics): void {
  fastify.setErrorHandler(async (error: FastifyError, request, reply) => {
    if ((error.statusCode ?? 500) >= 500) {
      request.log.error({ err: errorForLog(error) }, 'request failed');
      return reply
        .code(500)
        .send({ errors: [{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }
    const refused = refusedBody(error, maxBodyBytes);
    metrics.graphqlErrors.inc({ code: refused.code });
    request.log.info({ code: refused.code }, 'request refused');
    // The client may still be sending: let it finish, or it reads a broken pipe instead of the 413.
    if (refused.status === 413) await discardBody(request.raw);
    return reply
      .code(refused.status)
      .send({ errors: [{ message: refused.message, extensions: { code: refused.code } }] });
  });
  answerNotFound(fastify);
}

/** How long /ready waits for the database to answer. */
export const READY_TIMEOUT_MS = 2000;

/** /health (alive), /ready (the database answers; details beside), /metrics (Prometheus). */
export function registerProbes(
  fastify: FastifyInstance,
  options: Pick<HttpServerOptions<object>, 'metrics' | 'readiness'>,
): void {
  const { metrics } = options;
  fastify.get('/health', async () => ({ status: 'ok' }));
  fastify.get('/ready', async (_request, reply) => {
    const { ready, reason, details } = await options.readiness();
    if (ready) return { status: 'ready', ...details };
    return reply.code(503).send({ status: 'not ready', reason, ...details });
  });
  fastify.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

export async function startHttpServer<Context extends object>(
  options: HttpServerOptions<Context>,
): Promise<HttpServer> {
  const { settings, metrics, log } = options;
  const fastify = Fastify({
    // A child logger's serializer outranks Fastify's, which logs the whole URL with its query string.
    loggerInstance: log.child({}, { serializers: { req: requestForLog } }),
    bodyLimit: settings.maxBodyBytes,
    requestIdHeader: 'x-request-id',
    // Probes hit every few seconds; their log lines would drown the requests that matter.
    logController: new LogController({
      disableRequestLogging: (request) => PROBES.has(pathOf(request.url)),
    }),
  }) as unknown as FastifyInstance;
  traceRequests(fastify, PROBES); // first: its hooks see every request, its handler wrapper every route

  const closing = { value: false };
  countRequests(fastify, metrics, closing);
  answerRefusals(fastify, settings.maxBodyBytes, metrics);

  registerGraphQLRoute(fastify, {
    graphql: options.graphql,
    known: options.known,
    createContext: options.createContext,
    ...(settings.routerSecret !== undefined && { onRequest: requireRouterSecret(settings.routerSecret) }),
  });
  if (!settings.production) registerDevelopmentPage(fastify, log); // GET /graphql: GraphiQL, for a browser

  if (options.ipLocations !== undefined) registerIpLocationRoute(fastify, options.ipLocations, log);
  if (options.events !== undefined) registerEventsRoute(fastify, options.events, log);

  registerProbes(fastify, options);

  return {
    url: await listen(fastify, settings),
    fastify,
    async close(drainMs) {
      closing.value = true;
      const deadline = setTimeout(() => fastify.server.closeAllConnections(), drainMs);
      await fastify.close().finally(() => clearTimeout(deadline));
    },
  };
}

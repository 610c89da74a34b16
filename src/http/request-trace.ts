// The span of each request (but the probes): a child of the router's span when the request carries a W3C
// traceparent, so that a slow feed can be followed from the router into this subgraph. Every route's handler
// runs inside it; the status is known when the response is sent. Nothing of the request is recorded but its
// method, its route pattern and its status: no URL, no header, no address.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import {
  endRequestSpan,
  inRequestSpan,
  startRequestSpan,
  tracingOn,
  type RequestTrace,
} from '../observability/tracing';

/** Adds the hooks, before any route is registered; with tracing off (decided at start-up) it adds none. */
export function traceRequests(fastify: FastifyInstance, untraced: ReadonlySet<string>): void {
  if (!tracingOn()) return;
  const traces = new WeakMap<FastifyRequest, RequestTrace>();
  const ended = (request: FastifyRequest) => {
    const trace = traces.get(request);
    traces.delete(request); // ended once, whether the response was sent or the client went away
    return trace;
  };
  fastify.addHook('onRequest', async (request) => {
    if (untraced.has(request.url)) return;
    const route = request.routeOptions.url ?? 'unmatched'; // the route pattern: never a raw URL
    const started = startRequestSpan(request.headers, `${request.method} ${route}`, {
      'http.request.method': request.method,
      'http.route': route,
    });
    if (started !== undefined) traces.set(request, started);
  });
  fastify.addHook('onResponse', async (request, reply: FastifyReply) => {
    const status = reply.statusCode;
    endRequestSpan(ended(request), { 'http.response.status_code': status }, status >= 500);
  });
  fastify.addHook('onRequestAbort', async (request) => {
    endRequestSpan(ended(request), { 'error.type': 'aborted' }, true);
  });
  // Each handler runs in its request's span: what it awaits (GraphQL, SQL, Redis) is part of the trace.
  fastify.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function (this: FastifyInstance, request, reply) {
      return inRequestSpan(traces.get(request), () => handler.call(this, request, reply));
    };
  });
}

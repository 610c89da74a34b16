// POST /graphql. A document the GraphQL layer has answered before goes straight to its compiled query
// (graphql/known-operations.ts); everything else, and every answer with an error, to Apollo Server. POST only:
// a GET would carry the query and its variables in the URL, where request logs and proxies keep them.
import type { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteHandlerMethod } from 'fastify';
import { LRUCache } from 'lru-cache';

export interface KnownAnswer {
  body: string;
  cacheControl: string;
}

/** The GraphQL layer's answers without Apollo: a runner for a document it knows, or undefined. */
export interface KnownAnswers<Context> {
  prepare(body: unknown): ((context: Context) => Promise<KnownAnswer | undefined>) | undefined;
}

export interface GraphQLRouteOptions<Context extends object> {
  graphql: ApolloServer<Context>;
  known: KnownAnswers<Context> | undefined;
  createContext(rawHeaders: readonly string[]): Context;
  /** The router secret's check, when there is one. */
  onRequest?: onRequestHookHandler;
}

/**
 * The content type Apollo chose for each Accept value it answered (it negotiates; routers send one value
 * again and again). A value not seen yet goes to Apollo. Bounded: the header is the client's to choose.
 */
class ContentTypes {
  private readonly chosen = new LRUCache<string, string>({ max: 32 });

  for(request: FastifyRequest): string | undefined {
    return this.chosen.get(request.headers.accept ?? '');
  }

  learn(request: FastifyRequest, reply: FastifyReply): void {
    const chosen = reply.getHeader('content-type');
    if (reply.statusCode === 200 && typeof chosen === 'string') this.chosen.set(request.headers.accept ?? '', chosen);
  }
}

export function registerGraphQLRoute<Context extends object>(
  fastify: FastifyInstance,
  options: GraphQLRouteOptions<Context>,
): void {
  // A context made for a known document whose answer had an error: Apollo answers with it, reading nothing twice.
  const madeFor = new WeakMap<FastifyRequest, Context>();
  const apollo = fastifyApolloHandler(options.graphql, {
    context: async (request) => madeFor.get(request) ?? options.createContext(request.raw.rawHeaders),
  }) as unknown as RouteHandlerMethod;
  const contentTypes = new ContentTypes();

  async function throughApollo(request: FastifyRequest, reply: FastifyReply) {
    const body = await apollo.call(fastify, request, reply);
    contentTypes.learn(request, reply);
    return body;
  }

  async function handler(request: FastifyRequest, reply: FastifyReply) {
    const contentType = contentTypes.for(request);
    const run = contentType === undefined ? undefined : options.known?.prepare(request.body);
    if (run === undefined) return throughApollo(request, reply);
    let context: Context;
    try {
      context = options.createContext(request.raw.rawHeaders);
    } catch {
      return throughApollo(request, reply); // a malformed viewer header: Apollo refuses it, in its words
    }
    const answer = await run(context);
    if (answer === undefined) {
      madeFor.set(request, context);
      return throughApollo(request, reply);
    }
    return reply
      .code(200)
      .header('cache-control', answer.cacheControl)
      .header('content-type', contentType!)
      .send(answer.body);
  }

  fastify.route({
    method: 'POST',
    url: '/graphql',
    ...(options.onRequest !== undefined && { onRequest: options.onRequest }),
    handler,
  });
}

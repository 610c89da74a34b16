// Serves a stand-in subgraph or the gateway over HTTP on a given port (0 picks a free one), for the demo and
// the tests. Fastify, as the service itself: a port that is taken is an error the caller can report.
import { ApolloServer, type BaseContext, type ContextFunction } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { GraphQLSchema } from 'graphql';

export interface RunningServer {
  /** Where it answers GraphQL, e.g. http://127.0.0.1:4002/ */
  url: string;
  close(): Promise<void>;
}

export const LOCALHOST = '127.0.0.1';

/** Starts `apollo` and serves it at / on the port; the caller's process handles SIGINT/SIGTERM. */
export async function serveApollo<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  port: number,
  context: ContextFunction<[FastifyRequest, FastifyReply], Context>,
): Promise<RunningServer> {
  await apollo.start();
  const fastify = Fastify();
  fastify.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: '/',
    handler: fastifyApolloHandler(apollo, { context }),
  });
  try {
    await fastify.listen({ port, host: LOCALHOST });
  } catch (error) {
    await apollo.stop();
    throw error;
  }
  const address = fastify.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  return {
    url: `http://${LOCALHOST}:${boundPort}/`,
    async close() {
      await fastify.close();
      await apollo.stop();
    },
  };
}

export function serveSchema(schema: GraphQLSchema, port: number): Promise<RunningServer> {
  const apollo = new ApolloServer({
    schema,
    stopOnTerminationSignals: false,
    // No Apollo Studio here: tracing would only add work and a start-up line to the demo's output.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  return serveApollo(apollo, port, async () => ({}));
}

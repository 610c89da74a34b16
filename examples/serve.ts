// Serves a stand-in subgraph over HTTP on a given port (0 picks a free one), for the demo and the tests.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { GraphQLSchema } from 'graphql';

export interface RunningServer {
  /** Where it answers GraphQL, e.g. http://127.0.0.1:4002/ */
  url: string;
  close(): Promise<void>;
}

export const LOCALHOST = '127.0.0.1';

export async function serveSchema(schema: GraphQLSchema, port: number): Promise<RunningServer> {
  // The demo's own process handles SIGINT/SIGTERM and closes every server in order.
  const server = new ApolloServer({
    schema,
    stopOnTerminationSignals: false,
    // No Apollo Studio here: tracing would only add work and a start-up line to the demo's output.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port, host: LOCALHOST } });
  // stop() drains and closes the HTTP server too (startStandaloneServer installs the drain plugin).
  return { url, close: () => server.stop() };
}

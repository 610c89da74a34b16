// The GraphQL server: Apollo Server with this subgraph's schema, request limits, plugins and error masking.
// It executes; serving it over HTTP is http/server.ts's job.
import { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { errorMessage } from '../errors';
import type { RequestContext } from './context';
import { compiledExecutor, servingGateway, type ExecutorKind } from './executor';
import { queryLimits, type RequestLimits } from './limits';
import { countErrors, countExecutions, subgraphPlugins } from './plugins';

export interface GraphQLServerOptions {
  schema: GraphQLSchema;
  limits: RequestLimits;
  production: boolean;
  inlineTracing: boolean;
  /** graphql-jit (compiled, the default) or graphql-js. Inline tracing needs graphql-js's per-field hooks. */
  executor: ExecutorKind;
  maxCompiledOperations: number;
  log: Logger;
  /** Called once for every error returned, with its code. */
  countError: (code: string) => void;
  /** Called once for every operation executed, with the executor that answered it. */
  countExecution: (executor: ExecutorKind) => void;
}

/** Unexpected errors keep their details in the log; the caller gets a code and a generic message. */
function maskInternalError(formatted: GraphQLFormattedError, log: Logger, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
  log.error({ err: errorMessage(error), path: formatted.path }, 'unexpected error');
  return { ...formatted, message: 'internal error' };
}

export async function startGraphQLServer(options: GraphQLServerOptions): Promise<ApolloServer<RequestContext>> {
  const { log, production } = options;
  const limits = queryLimits(options.limits);
  // Inline tracing times every field through graphql-js's resolvers: with it, graphql-js executes.
  const compiled = options.executor === 'graphql-jit' && !options.inlineTracing;
  const execution = compiled
    ? {
        gateway: servingGateway(
          options.schema,
          compiledExecutor(options.schema, {
            maxCompiledOperations: options.maxCompiledOperations,
            onExecuted: options.countExecution,
          }),
        ),
      }
    : { schema: options.schema };
  const countedByGraphqlJs = compiled ? [] : [countExecutions(() => options.countExecution('graphql-js'))];
  const apollo = new ApolloServer<RequestContext>({
    ...execution,
    logger: log,
    stopOnTerminationSignals: false, // index.ts owns SIGTERM: drain HTTP, then stop this, then the pool
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    validationRules: limits.validationRules,
    formatError: (formatted, error) => maskInternalError(formatted, log, error),
    plugins: [
      ...countedByGraphqlJs,
      ...limits.plugins,
      countErrors(options.countError),
      ...subgraphPlugins({ inlineTracing: options.inlineTracing, production }),
    ],
  });
  await apollo.start();
  return apollo;
}

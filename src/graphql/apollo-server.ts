// The GraphQL server: Apollo Server with this subgraph's schema, request limits, plugins and error masking.
// It executes; serving it over HTTP is http/server.ts's job.
import { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { errorMessage } from '../errors';
import type { RequestContext } from './context';
import { setSpanAttributes } from '../observability/tracing';
import { compiledExecutor, graphqlJsExecutor, servingGateway, tracedExecutor, type ExecutorKind } from './executor';
import { parseLimits, queryLimits, representationLimit, supportedOperationTypes, type RequestLimits } from './limits';
import { KnownOperations } from './known-operations';
import { clientErrorsAre4xx, countErrors, countExecutions, subgraphPlugins } from './plugins';

export type ExecutionPipeline = 'apollo' | 'known';

export interface GraphQLServerOptions {
  schema: GraphQLSchema;
  limits: RequestLimits;
  production: boolean;
  inlineTracing: boolean;
  /** How long a public answer (the policy alone) may be cached; every other answer is no-store. */
  publicMaxAgeSeconds: number;
  /** graphql-jit (compiled, the default) or graphql-js. Inline tracing needs graphql-js's per-field hooks. */
  executor: ExecutorKind;
  maxCompiledOperations: number;
  log: Logger;
  /** Called once for every error returned, with its code. */
  countError: (code: string) => void;
  /**
   * Called once for every operation executed, with the executor that answered it and the pipeline it went
   * through: Apollo's, or none for a document answered before (known-operations.ts).
   */
  countExecution: (executor: ExecutorKind, pipeline: ExecutionPipeline) => void;
}

/**
 * Unexpected errors keep their details in the log; the caller gets a code and a generic message. A document
 * too deeply nested for the parser is the client's error (a 400 already): it gets a message that says so.
 */
function formatError(formatted: GraphQLFormattedError, log: Logger, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code === 'GRAPHQL_PARSE_FAILED' && /call stack/i.test(formatted.message)) {
    return { ...formatted, message: 'Syntax Error: the document is nested too deeply' };
  }
  if (code !== 'INTERNAL_SERVER_ERROR') return formatted;
  log.error({ err: errorMessage(error), path: formatted.path }, 'unexpected error');
  return { ...formatted, message: 'internal error' };
}

export interface GraphQLServer {
  apollo: ApolloServer<RequestContext>;
  /** Documents answered before, answered again without Apollo's pipeline; absent with graphql-js execution. */
  known: KnownOperations | undefined;
}

export async function startGraphQLServer(options: GraphQLServerOptions): Promise<GraphQLServer> {
  const { log, production } = options;
  const limits = queryLimits(options.limits);
  // Inline tracing times every field through Apollo's own graphql-js run: with it, Apollo executes (and no
  // operation span is made: OpenTelemetry's spans then hang under the request's).
  const throughGateway = !options.inlineTracing;
  const onExecuted = (executor: ExecutorKind, pipeline: ExecutionPipeline = 'apollo') => {
    options.countExecution(executor, pipeline);
    setSpanAttributes({ 'identity_labels.graphql.executor': executor });
  };
  const known =
    options.executor === 'graphql-jit' && throughGateway
      ? new KnownOperations({
          max: options.maxCompiledOperations,
          maxRepresentations: options.limits.maxRepresentations,
          publicMaxAgeSeconds: options.publicMaxAgeSeconds,
          onExecuted: () => onExecuted('graphql-jit', 'known'),
        })
      : undefined;
  const executor =
    options.executor === 'graphql-jit'
      ? compiledExecutor(options.schema, { maxCompiledOperations: options.maxCompiledOperations, onExecuted, known })
      : graphqlJsExecutor(options.schema, onExecuted);
  const execution = throughGateway
    ? { gateway: servingGateway(options.schema, tracedExecutor(executor)) }
    : { schema: options.schema };
  const countedByGraphqlJs = throughGateway
    ? []
    : [countExecutions(() => options.countExecution('graphql-js', 'apollo'))];
  const apollo = new ApolloServer<RequestContext>({
    ...execution,
    logger: log,
    stopOnTerminationSignals: false, // index.ts owns SIGTERM: drain HTTP, then stop this, then the pool
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    // The router sends whole queries: automatic persisted queries would only be a cache for clients to fill.
    persistedQueries: false,
    parseOptions: parseLimits(options.limits),
    validationRules: [...limits.validationRules, supportedOperationTypes],
    formatError: (formatted, error) => formatError(formatted, log, error),
    plugins: [
      ...countedByGraphqlJs,
      ...limits.plugins,
      representationLimit(options.limits.maxRepresentations),
      countErrors(options.countError),
      clientErrorsAre4xx,
      ...subgraphPlugins({ inlineTracing: options.inlineTracing, publicMaxAgeSeconds: options.publicMaxAgeSeconds }),
    ],
  });
  await apollo.start();
  return { apollo, known };
}

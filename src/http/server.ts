// The HTTP face of the subgraph: POST /graphql for the router; /health, /ready and /metrics for the platform.
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { setRealNameConsent } from '../consent/set-consent';
import type { AccountCache } from '../db/account-cache';
import type { PolicyStageCache } from '../db/policy-stage-cache';
import type { RequestContext } from '../graphql/context';
import { queryLimits } from '../graphql/limits';
import { createIdentityLoader } from '../loaders/identity-loader';
import type { Metrics } from '../observability/metrics';
import { identityLabel } from '../policy/label';
import { subgraphPlugins } from './apollo-plugins';
import { databaseIsReachable } from './readiness';
import { requireRouterSecret } from './router-auth';
import { viewerFromHeaders } from './viewer';

export interface HttpServerDeps {
  config: Config;
  schema: GraphQLSchema;
  dataSource: DataSource;
  /** The account reads of the read path (through the cross-request row cache when it is on). */
  accounts: AccountCache;
  stageCache: PolicyStageCache;
  metrics: Metrics;
  log: Logger;
  clock: () => Date;
}

const READY_TIMEOUT_MS = 2000;
const PROBES = new Set(['/health', '/ready', '/metrics']);

/** Unexpected errors keep their details in the log; the caller gets a code and a generic message. */
function maskInternalError(formatted: GraphQLFormattedError, log: Logger, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
  log.error({ err: error instanceof Error ? error.message : String(error), path: formatted.path }, 'unexpected error');
  return { ...formatted, message: 'internal error' };
}

function countErrors(metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) metrics.graphqlErrors.inc({ code: String(error.extensions.code ?? 'UNKNOWN') });
        },
      };
    },
  };
}

export async function createHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const { config, schema, dataSource, accounts, stageCache, metrics, log, clock } = deps;
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: config.maxBodyBytes,
    requestIdHeader: 'x-request-id',
    // Probes hit every few seconds; their log lines would drown the requests that matter.
    logController: new LogController({ disableRequestLogging: (request) => PROBES.has(request.url) }),
  }) as unknown as FastifyInstance;

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'; // the route pattern: never a raw URL
    metrics.httpRequests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
  });

  const limits = queryLimits(config);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    logger: log,
    stopOnTerminationSignals: false, // index.ts owns SIGTERM: drain HTTP, then close the pool, then exit 0
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // In production nobody explores the schema through this subgraph: the router composes from _service.
    introspection: !config.production,
    hideSchemaDetailsFromClientErrors: config.production,
    validationRules: limits.validationRules,
    formatError: (formatted, error) => maskInternalError(formatted, log, error),
    plugins: [
      ...limits.plugins,
      countErrors(metrics),
      ...subgraphPlugins(config),
      ...(config.production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();

  const settings = {
    hysteresisRatio: config.hysteresisRatio,
    realNameViewers: config.realNameViewers,
  };
  const stages = () => stageCache.current();
  const handler = fastifyApolloHandler(apollo, {
    context: async (request): Promise<RequestContext> => {
      const viewer = viewerFromHeaders(request.headers);
      return {
        viewer,
        displayNameFormat: config.displayNameFormat,
        stages,
        identities: createIdentityLoader({
          findAccounts: (userIds) => accounts.find(userIds),
          stages,
          now: clock,
          viewer,
          settings,
          maxBatchSize: config.maxInList,
        }),
        async setOwnConsent(consent) {
          const userId = viewer.id!;
          const now = clock();
          const account = await setRealNameConsent(dataSource, userId, consent, {
            stages: stages(),
            rules: settings,
            now,
          }).finally(() => accounts.forget([userId])); // committed (or not): the next read is from the database
          return identityLabel(account, stages(), now, viewer, settings);
        },
      };
    },
  });
  app.route({
    // POST only: the router posts, and a GET would carry the query and its variables in the URL, where
    // request logs and proxies keep them.
    method: 'POST',
    url: '/graphql',
    ...(config.routerSecret === undefined ? {} : { onRequest: requireRouterSecret(config.routerSecret) }),
    handler,
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    if (await databaseIsReachable(dataSource, READY_TIMEOUT_MS)) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready', reason: 'database unreachable' });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  // fastify.close() stops accepting and waits for in-flight requests; Apollo stops after them.
  app.addHook('onClose', async () => {
    await apollo.stop();
  });
  return app;
}

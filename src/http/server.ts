// The HTTP face of the subgraph: POST /graphql for the router, GET /health and GET /ready for the platform.
import { ApolloServer } from '@apollo/server';
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
import { createIdentityLoader } from '../loaders/identity-loader';
import { identityLabel } from '../policy/label';
import { subgraphPlugins } from './apollo-plugins';
import { viewerFromHeaders } from './viewer';

export interface HttpServerDeps {
  config: Config;
  schema: GraphQLSchema;
  dataSource: DataSource;
  /** The account reads of the read path (through the cross-request row cache when it is on). */
  accounts: AccountCache;
  stageCache: PolicyStageCache;
  log: Logger;
  clock: () => Date;
}

const READY_TIMEOUT_MS = 2000;

/** Unexpected errors keep their details in the log; the caller gets a code and a generic message. */
function maskInternalError(formatted: GraphQLFormattedError, log: Logger, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
  log.error({ err: error instanceof Error ? error.message : String(error), path: formatted.path }, 'unexpected error');
  return { ...formatted, message: 'internal error' };
}

async function databaseIsReachable(dataSource: DataSource): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
  });
  const probe = dataSource.query('SELECT 1').then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function createHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const { config, schema, dataSource, accounts, stageCache, log, clock } = deps;
  const app = Fastify({
    loggerInstance: log,
    // Probes hit every few seconds; their log lines would drown the requests that matter.
    logController: new LogController({
      disableRequestLogging: (request) => request.url === '/health' || request.url === '/ready',
    }),
  }) as unknown as FastifyInstance;

  const apollo = new ApolloServer<RequestContext>({
    schema,
    logger: log,
    stopOnTerminationSignals: false, // index.ts owns SIGTERM: drain HTTP, then close the pool, then exit 0
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => maskInternalError(formatted, log, error),
    plugins: subgraphPlugins(config),
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
  app.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/graphql', handler });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    if (await databaseIsReachable(dataSource)) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready', reason: 'database unreachable' });
  });

  // fastify.close() stops accepting and waits for in-flight requests; Apollo stops after them.
  app.addHook('onClose', async () => {
    await apollo.stop();
  });
  return app;
}

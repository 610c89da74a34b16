// Wires the service together: database, policy, GraphQL, HTTP. Nothing here decides anything.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { AccountReader } from './db/account-reader';
import { databaseAnswers, migrateDatabase, openDatabase } from './db/data-source';
import { seedDemoData } from './db/demo-data';
import { PolicyStageCache } from './db/policy-stages';
import type { QueryObserver } from './db/sql-logger';
import { startGraphQLServer } from './graphql/apollo-server';
import { createRequestContext, type GraphQLServices } from './graphql/context';
import { buildIdentitySchema } from './graphql/schema';
import { startHttpServer } from './http/server';
import { scheduleNotify, type NotifySchedule } from './notify/notify-schedule';
import { Metrics } from './observability/metrics';
import { withTimeout } from './timeout';

/** How long a shutdown waits for in-flight requests, and then for a notify run, before cutting them. */
const DRAIN_DEADLINE_MS = 10_000;
const READY_TIMEOUT_MS = 2000;

export interface AppOptions {
  log: Logger;
  /** Sees every SQL statement (tests count queries with it). */
  observeQuery?: QueryObserver;
  /** The policy's notion of now; tests move it to check transitions in time. */
  clock?: () => Date;
}

export interface App {
  dataSource: DataSource;
  stageCache: PolicyStageCache;
  /** The address the server listens on, e.g. http://127.0.0.1:4001 */
  url: string;
  close(): Promise<void>;
}

export async function startApp(config: Config, options: AppOptions): Promise<App> {
  const { log } = options;
  const clock = options.clock ?? (() => new Date());
  const embedded = config.databaseUrl === undefined;
  if (!embedded && config.runMigrations) {
    log.info({ applied: await migrateDatabase(config, log) }, 'migrations up to date');
  }
  const dataSource = await openDatabase(config, log, options.observeQuery);
  try {
    if (embedded) {
      await dataSource.runMigrations();
      const count = await seedDemoData(dataSource, clock());
      log.info({ accounts: count }, 'embedded database: no DATABASE_URL set, serving demo data from memory');
    }
    const stageCache = new PolicyStageCache(dataSource, log);
    await stageCache.start(config.policyRefreshSeconds);
    const metrics = new Metrics(dataSource);
    const accounts = new AccountReader(
      dataSource,
      { timeoutMs: config.dbQueryTimeoutMs, cache: config.accountCache },
      log,
      metrics,
    );

    const services: GraphQLServices = {
      dataSource,
      accounts,
      stages: stageCache,
      clock,
      settings: { hysteresisRatio: config.hysteresisRatio, realNameViewers: config.realNameViewers },
      displayNameFormat: config.displayNameFormat,
      maxInList: config.maxInList,
    };
    const schema = await buildIdentitySchema({ maxRepresentations: config.maxRepresentations });
    const graphql = await startGraphQLServer({
      schema,
      limits: config,
      production: config.production,
      inlineTracing: config.inlineTracing,
      executor: config.graphqlExecutor,
      maxCompiledOperations: config.maxCompiledOperations,
      log,
      countError: (code) => metrics.graphqlErrors.inc({ code }),
      countExecution: (executor) => metrics.executions.inc({ executor }),
    });
    const http = await startHttpServer({
      settings: config,
      graphql,
      createContext: (headers) => createRequestContext(services, headers),
      readiness: async () =>
        (await databaseAnswers(dataSource, READY_TIMEOUT_MS))
          ? { ready: true }
          : { ready: false, reason: 'database unreachable' },
      metrics,
      log,
    }).catch(async (error: unknown) => {
      await graphql.stop();
      throw error;
    });
    const notifySchedule: NotifySchedule | undefined =
      config.notifyIntervalSeconds > 0
        ? scheduleNotify(dataSource, {
            intervalSeconds: config.notifyIntervalSeconds,
            rules: services.settings,
            clock,
            log,
            onAccountsChanged: () => accounts.forgetAll(),
          })
        : undefined;

    return {
      dataSource,
      stageCache,
      url: http.url,
      async close() {
        await http.close(DRAIN_DEADLINE_MS);
        await graphql.stop();
        // A notify run still going is given the same deadline; cut short, its open transaction rolls back.
        if (notifySchedule !== undefined) await withTimeout(notifySchedule.stop(), DRAIN_DEADLINE_MS, () => undefined);
        stageCache.stop();
        await dataSource.destroy();
      },
    };
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    throw error;
  }
}

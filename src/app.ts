// Wires the service together: database, policy, GraphQL, HTTP. Nothing here decides anything.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { AccountReader } from './db/account-reader';
import { databaseAnswers, migrateDatabase, openDatabase } from './db/data-source';
import { IpLocationReader } from './db/ip-location-reader';
import { seedDemoData } from './db/demo-data';
import { PolicyStageCache } from './db/policy-stages';
import { RealNames } from './db/real-names';
import type { QueryObserver } from './db/sql-logger';
import { startGraphQLServer } from './graphql/apollo-server';
import { createRequestContext, type GraphQLServices } from './graphql/context';
import { buildIdentitySchema } from './graphql/schema';
import { startHttpServer } from './http/server';
import { IpDatabase } from './ip-location/ip-database';
import { recordIpLocations } from './ip-recording/record-ip-locations';
import { scheduleNotify, type NotifySchedule } from './notify/notify-schedule';
import { Metrics } from './observability/metrics';
import { realNameEvents } from './observability/real-name-events';
import { withTimeout } from './timeout';

/** How long a shutdown waits for in-flight requests, and then for a notify run, before cutting them. */
const DRAIN_DEADLINE_MS = 10_000;
const READY_TIMEOUT_MS = 2000;
/** A write of IP locations is five statements (begin, insert, read back, upsert, commit), each bounded alike. */
const WRITE_STATEMENTS = 5;

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
  if (config.realNameKeys === undefined) {
    log.warn('REAL_NAME_KEYS is not set: real names are stored as plain text (development only)');
  }
  if (!embedded && config.runMigrations) {
    log.info({ applied: await migrateDatabase(config, log) }, 'migrations up to date');
  }
  const dataSource = await openDatabase(config, log, options.observeQuery);
  try {
    const metrics = new Metrics(dataSource);
    const realNames = new RealNames(config.realNameKeys, realNameEvents(metrics, log));
    if (embedded) {
      await dataSource.runMigrations();
      const count = await seedDemoData(dataSource, clock(), realNames);
      log.info({ accounts: count }, 'embedded database: no DATABASE_URL set, serving demo data from memory');
    }
    const stageCache = new PolicyStageCache(dataSource, log);
    await stageCache.start(config.policyRefreshSeconds);
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
      openRealName: realNames.open,
      settings: { hysteresisRatio: config.hysteresisRatio, realNameViewers: config.realNameViewers },
      displayNameFormat: config.displayNameFormat,
      maxInList: config.maxInList,
      ipLocations: new IpLocationReader(dataSource, config.dbQueryTimeoutMs, log),
      ipLocationSettings: { language: config.ipLocation.language, viewers: config.ipLocation.viewers },
      writeTimeoutMs: config.dbQueryTimeoutMs * WRITE_STATEMENTS,
      log,
    };
    // POST /ip-locations exists with its secret, or open in the embedded demo (its stand-in posts service).
    const writerSecret = config.ipLocation.writerSecret;
    let ipDatabase: IpDatabase | undefined;
    if (writerSecret !== undefined || embedded) {
      ipDatabase = IpDatabase.open(config.ipLocation.databasePaths);
      log.info({ ipv4: ipDatabase.files.ipv4, ipv6: ipDatabase.files.ipv6 }, 'IP database loaded');
    }
    const schema = await buildIdentitySchema();
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
      createContext: (rawHeaders) => createRequestContext(services, rawHeaders),
      readiness: async () =>
        (await databaseAnswers(dataSource, READY_TIMEOUT_MS))
          ? { ready: true }
          : { ready: false, reason: 'database unreachable' },
      metrics,
      log,
      ipLocations:
        ipDatabase === undefined
          ? undefined
          : {
              secret: writerSecret,
              record: (body) =>
                recordIpLocations(dataSource, ipDatabase, body, {
                  now: clock(),
                  timeoutMs: config.dbQueryTimeoutMs * WRITE_STATEMENTS,
                  count: (outcome, records) => metrics.ipLocationRecords.inc({ outcome }, records),
                }),
            },
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

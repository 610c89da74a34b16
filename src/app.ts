// Wires the service together: database, policy, GraphQL, HTTP. Nothing here decides anything.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { AccountReader } from './db/account-reader';
import { ChangeFeed } from './changes/change-feed';
import { databaseAnswers, migrateDatabase, openDatabase, openReadReplicas } from './db/data-source';
import { IpLocationReader } from './db/ip-location-reader';
import { seedDemoData } from './demo/demo-data';
import { PolicyStageCache } from './db/policy-stages';
import { RealNames } from './real-names/real-names';
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
import { errorForLog } from './errors';

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
  /** What was started before a failure at start-up, stopped in reverse. */
  const stopOnFailure: (() => unknown)[] = [];
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
    stopOnFailure.push(() => stageCache.stop());
    const reads = openReadReplicas(dataSource, config, log, {
      observeQuery: options.observeQuery,
      replicas: { read: (target, fellBack) => metrics.databaseReads.inc({ target, fell_back: String(fellBack) }) },
    });
    await reads.start();
    stopOnFailure.push(() => reads.stop());
    metrics.watchReplicas(() => reads.status());
    const changes = new ChangeFeed({
      url: config.redisUrl,
      channel: config.redisChannel,
      log,
      observer: {
        published: (outcome) => metrics.changesPublished.inc({ outcome }),
        received: () => metrics.changesReceived.inc(),
      },
    });
    stopOnFailure.push(() => changes.close());
    if (config.redisUrl !== undefined) metrics.watchChangeFeed(() => changes.state());
    const accounts = new AccountReader(
      reads,
      {
        timeoutMs: config.dbQueryTimeoutMs,
        cache: {
          ...config.accountCache,
          // A row read on a replica right after a change may predate it: not kept while the replica may lag
          // (its lag is told in whole seconds: "0" is anything under one).
          settleMs: config.replicaUrls.length > 0 ? (config.replicas.maxLagSeconds + 1) * 1000 : 0,
        },
        cacheTrusted: changes.cacheTrusted,
      },
      log,
      metrics,
    );
    changes.subscribe({
      forget: (userIds) => accounts.forget(userIds),
      forgetAll: () => accounts.forgetAll(),
      policyChanged: () => {
        stageCache.refresh().catch((error: unknown) => {
          log.warn({ err: errorForLog(error) }, 'policy stage refresh failed');
        });
      },
    });
    if (!embedded && config.accountCache.ttlMs > 0 && config.redisUrl === undefined) {
      log.info(
        { ttlMs: config.accountCache.ttlMs },
        'account cache without REDIS_URL: writes made by other processes are seen within ACCOUNT_CACHE_TTL_MS',
      );
    }

    const services: GraphQLServices = {
      dataSource,
      accounts,
      changes,
      stages: stageCache,
      clock,
      openRealName: realNames.open,
      settings: { hysteresisRatio: config.hysteresisRatio, realNameViewers: config.realNameViewers },
      displayNameFormat: config.displayNameFormat,
      maxInList: config.maxInList,
      ipLocations: new IpLocationReader(reads, config.dbQueryTimeoutMs, log),
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
      readiness: async () => {
        // Replicas and the change feed are shown, not required: reads fall back to the primary, and the
        // cache is bypassed while the feed is down.
        const details = {
          ...(config.replicaUrls.length > 0 && { replicas: reads.status() }),
          ...(config.redisUrl !== undefined && { changeFeed: changes.state() }),
        };
        return (await databaseAnswers(dataSource, READY_TIMEOUT_MS))
          ? { ready: true, details }
          : { ready: false, reason: 'database unreachable', details };
      },
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
            onAccountsChanged: (userIds) => void changes.announce({ userIds }),
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
        await changes.close();
        await reads.stop();
        await dataSource.destroy();
      },
    };
  } catch (error) {
    for (let stop = stopOnFailure.pop(); stop !== undefined; stop = stopOnFailure.pop()) await stop();
    if (dataSource.isInitialized) await dataSource.destroy();
    throw error;
  }
}

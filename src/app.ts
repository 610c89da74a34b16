// Wires the service together: database, migrations, policy cache, schema, HTTP. Nothing here decides anything.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { AccountCache } from './db/account-cache';
import { findAccounts } from './db/accounts';
import { migrateDatabase, openDatabase } from './db/data-source';
import { seedDemoData } from './db/demo-data';
import { PolicyStageCache } from './db/policy-stage-cache';
import type { QueryObserver } from './db/sql-logger';
import { buildIdentitySchema } from './graphql/schema';
import { resolveEntitiesInOneStep } from './graphql/entities';
import { createHttpServer } from './http/server';
import { Metrics } from './observability/metrics';
import { scheduleNotify, type NotifySchedule } from './notify/notify-schedule';

const DRAIN_DEADLINE_MS = 10_000;

export interface AppOptions {
  log: Logger;
  /** Sees every SQL statement (tests count queries with it). */
  observeQuery?: QueryObserver;
  /** The policy's notion of now; tests move it to check transitions in time. */
  clock?: () => Date;
}

export interface App {
  http: FastifyInstance;
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
    // Every database read of the read path: timed, bounded in time, through the row cache when it is on.
    const accounts = new AccountCache(
      (userIds) =>
        metrics
          .timeLookup(userIds.length, () => findAccounts(dataSource, userIds, config.dbQueryTimeoutMs))
          .catch((error: unknown) => {
            // The caller sees IDENTITY_UNAVAILABLE; the cause is for the operator (a driver error, never data).
            const { message, code } = (error ?? {}) as { message?: string; code?: string };
            log.warn({ err: { message, code }, ids: userIds.length }, 'account lookup failed');
            throw error;
          }),
      config.accountCache,
    );
    const { schema } = await buildIdentitySchema();
    resolveEntitiesInOneStep(schema, config.maxRepresentations);
    const http = await createHttpServer({ config, schema, dataSource, accounts, stageCache, metrics, log, clock });
    const closing = { value: false };
    http.addHook('onSend', async (_request, reply) => {
      if (closing.value) reply.header('connection', 'close'); // a keep-alive socket would outlive the drain
    });
    const url = await http.listen({ port: config.port, host: config.host });
    const notifySchedule: NotifySchedule | undefined =
      config.notifyIntervalSeconds > 0
        ? scheduleNotify(dataSource, config.notifyIntervalSeconds, config.hysteresisRatio, clock, log, () =>
            accounts.forgetAll(),
          )
        : undefined;

    return {
      http,
      dataSource,
      stageCache,
      url: url.replace('0.0.0.0', '127.0.0.1'),
      async close() {
        // Stop accepting, let in-flight requests finish (then close their keep-alive connections), and cut
        // whatever is still open after the drain deadline.
        closing.value = true;
        const deadline = setTimeout(() => http.server.closeAllConnections(), DRAIN_DEADLINE_MS);
        await http.close().finally(() => clearTimeout(deadline));
        // A notify run still going is given the same deadline; cut short, its open transaction rolls back.
        await Promise.race([
          notifySchedule?.stop(),
          new Promise((resolve) => setTimeout(resolve, DRAIN_DEADLINE_MS).unref()),
        ]);
        stageCache.stop();
        await dataSource.destroy();
      },
    };
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    throw error;
  }
}

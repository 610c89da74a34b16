// Wires the service together: database, migrations, policy cache, schema, HTTP. Nothing here decides anything.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { AccountCache } from './db/account-cache';
import { findAccounts } from './db/accounts';
import { isEmbedded, openDatabase } from './db/data-source';
import { seedDemoData } from './db/demo-data';
import { PolicyStageCache } from './db/policy-stage-cache';
import type { QueryObserver } from './db/sql-logger';
import { buildIdentitySchema } from './graphql/schema';
import { createHttpServer } from './http/server';
import { scheduleNotify, type NotifySchedule } from './notify/notify-schedule';

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
  const dataSource = await openDatabase(config, log, options.observeQuery);
  try {
    if (isEmbedded(dataSource)) {
      await dataSource.runMigrations();
      const count = await seedDemoData(dataSource, clock());
      log.info({ accounts: count }, 'embedded database: no DATABASE_URL set, serving demo data from memory');
    } else if (config.runMigrations) {
      const applied = await dataSource.runMigrations();
      log.info({ applied: applied.map((migration) => migration.name) }, 'migrations up to date');
    }
    const stageCache = new PolicyStageCache(dataSource, log);
    await stageCache.start(config.policyRefreshSeconds);

    const accounts = new AccountCache((userIds) => findAccounts(dataSource, userIds), config.accountCache);
    const { schema } = await buildIdentitySchema();
    const http = await createHttpServer({ config, schema, dataSource, accounts, stageCache, log, clock });
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
        await http.close(); // stops accepting, drains in-flight requests
        await notifySchedule?.stop();
        stageCache.stop();
        await dataSource.destroy();
      },
    };
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    throw error;
  }
}

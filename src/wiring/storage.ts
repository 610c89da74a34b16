// The storage the service runs on: the primary (migrated first, or the embedded demo database seeded), the
// sealing of real names, the policy stages in memory, and the replicas the read path reads from.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { migrateDatabase, openDatabase, openReadReplicas } from '../db/data-source';
import { PolicyStageCache } from '../db/policy-stages';
import type { ReadReplicas } from '../db/read-replicas';
import type { QueryObserver } from '../db/sql-logger';
import { seedDemoData } from '../demo/demo-data';
import type { Metrics } from '../observability/metrics';
import { realNameEvents } from '../observability/real-name-events';
import { RealNames } from '../real-names/real-names';
import type { Lifecycle } from './lifecycle';

export interface Storage {
  dataSource: DataSource;
  realNames: RealNames;
  stages: PolicyStageCache;
  reads: ReadReplicas;
}

export interface StorageOptions {
  log: Logger;
  clock: () => Date;
  observeQuery?: QueryObserver;
}

/** The primary, opened (and migrated, or seeded when embedded); closed last. */
export async function openPrimary(config: Config, options: StorageOptions, lifecycle: Lifecycle): Promise<DataSource> {
  const { log } = options;
  if (config.realNameKeys === undefined) {
    log.warn('REAL_NAME_KEYS is not set: real names are stored as plain text (development only)');
  }
  if (config.databaseUrl !== undefined && config.runMigrations) {
    log.info({ applied: await migrateDatabase(config, log) }, 'migrations up to date');
  }
  const dataSource = await openDatabase(config, log, options.observeQuery);
  lifecycle.add(() => dataSource.destroy());
  return dataSource;
}

export async function openStorage(
  config: Config,
  options: StorageOptions,
  metrics: Metrics,
  dataSource: DataSource,
  lifecycle: Lifecycle,
): Promise<Storage> {
  const { log } = options;
  const realNames = new RealNames(config.realNameKeys, realNameEvents(metrics, log));
  if (config.databaseUrl === undefined) {
    await dataSource.runMigrations();
    const count = await seedDemoData(dataSource, options.clock(), realNames);
    log.info({ accounts: count }, 'embedded database: no DATABASE_URL set, serving demo data from memory');
  }
  const stages = new PolicyStageCache(dataSource, log);
  await stages.start(config.policyRefreshSeconds);
  lifecycle.add(() => stages.stop());
  const reads = openReadReplicas(dataSource, config, log, {
    observeQuery: options.observeQuery,
    replicas: { read: (target, fellBack) => metrics.databaseReads.inc({ target, fell_back: String(fellBack) }) },
  });
  await reads.start();
  lifecycle.add(() => reads.stop());
  metrics.watchReplicas(() => reads.status());
  return { dataSource, realNames, stages, reads };
}

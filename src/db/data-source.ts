// Opens the database: MySQL/MariaDB when DATABASE_URL is set, otherwise an embedded in-memory SQLite (sql.js).
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Logger } from 'pino';
import { migrations } from '../../migrations';
import { withTimeout } from '../timeout';
import { refuseTextColumnsNotInUtf8mb4 } from './character-sets';
import { ReadReplicas, replicaName, type ReplicaObserver } from './read-replicas';
import { SqlLogger, type QueryObserver } from './sql-logger';
import { TABLES } from './tables';
import { isMysql } from './dialect';

export interface DatabaseSettings {
  databaseUrl: string | undefined;
  dbPoolSize: number;
  /** undefined: no per-query timeout (commands and migrations may run long). */
  dbQueryTimeoutMs: number | undefined;
  dbConnectTimeoutMs: number;
  dbQueueLimit: number;
}

/** Without a per-query timeout, a statement slower than this is still logged as slow. */
const SLOW_QUERY_MS_WITHOUT_TIMEOUT = 10_000;

export function dataSourceOptions(
  settings: DatabaseSettings,
  log: Logger,
  observeQuery?: QueryObserver,
  database?: string,
): DataSourceOptions {
  const common = {
    entities: TABLES,
    migrations,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logger: new SqlLogger(log, observeQuery, database),
  };
  if (settings.databaseUrl === undefined) {
    return { ...common, type: 'sqljs', autoSave: false };
  }
  return {
    ...common,
    type: 'mysql',
    url: settings.databaseUrl,
    charset: 'utf8mb4',
    timezone: 'Z', // store and read every datetime as UTC
    poolSize: settings.dbPoolSize,
    // The server abandons a query that takes longer (mysql2 closes its connection); commands and
    // migrations may run long and set no timeout.
    maxQueryExecutionTime: settings.dbQueryTimeoutMs ?? SLOW_QUERY_MS_WITHOUT_TIMEOUT,
    enableQueryTimeout: settings.dbQueryTimeoutMs !== undefined,
    connectTimeout: settings.dbConnectTimeoutMs,
    extra: {
      // mysql2 queues without bound by default: past this many waiting requests, fail fast instead.
      queueLimit: settings.dbQueueLimit,
      enableKeepAlive: true,
    },
  };
}

/** How long an instance waits for another one's migrations before it gives up starting. */
const MIGRATION_LOCK_SECONDS = 300;
/** A MySQL named lock per database (names are server-wide, and at most 64 characters). */
const MIGRATION_LOCK = "CONCAT('identity-labels:migrate:', LEFT(SHA1(DATABASE()), 32))";

/**
 * Applies the pending migrations. Processes started together (instances, the migrate command) take turns
 * under a MySQL named lock, held by a connection of its own: the first migrates, the others then find
 * nothing left to do (TypeORM alone would run the same migration twice at once, and one would fail).
 */
export async function runMigrationsInTurn(dataSource: DataSource): Promise<string[]> {
  if (!isMysql(dataSource.options)) return (await dataSource.runMigrations()).map((migration) => migration.name);
  const lockHolder = dataSource.createQueryRunner();
  let locked = false;
  try {
    const [row] = (await lockHolder.query(`SELECT GET_LOCK(${MIGRATION_LOCK}, ?) AS locked`, [
      MIGRATION_LOCK_SECONDS,
    ])) as [{ locked: number | string | null }];
    locked = Number(row.locked) === 1;
    if (!locked) {
      throw new Error(`another process has been migrating this database for over ${MIGRATION_LOCK_SECONDS} s`);
    }
    const applied = (await dataSource.runMigrations()).map((migration) => migration.name);
    // The migrations make every text column utf8mb4; one that is not now was changed by hand.
    await refuseTextColumnsNotInUtf8mb4(dataSource);
    return applied;
  } finally {
    if (locked) await lockHolder.query(`SELECT RELEASE_LOCK(${MIGRATION_LOCK})`).catch(() => undefined);
    await lockHolder.release();
  }
}

/** Applies pending migrations on connections of their own, with no query timeout (a migration may run long). */
export async function migrateDatabase(settings: DatabaseSettings, log: Logger): Promise<string[]> {
  const dataSource = await openDatabase({ ...settings, dbQueryTimeoutMs: undefined, dbPoolSize: 2 }, log);
  try {
    return await runMigrationsInTurn(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

export async function openDatabase(
  settings: DatabaseSettings,
  log: Logger,
  observeQuery?: QueryObserver,
): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(settings, log, observeQuery));
  await dataSource.initialize();
  try {
    await refuseTextColumnsNotInUtf8mb4(dataSource);
  } catch (error) {
    // Pending migrations convert the columns (and the migrate command opens the database to run them).
    const pending = await dataSource.showMigrations().catch(() => false);
    if (!pending) {
      await dataSource.destroy();
      throw error;
    }
  }
  return dataSource;
}

/**
 * The read path's reads: the replicas of DATABASE_REPLICA_URLS (each its own pool, opened by its first
 * status check, so that a replica down at start-up does not stop the service), or the primary alone.
 */
export function openReadReplicas(
  primary: DataSource,
  settings: DatabaseSettings & {
    replicaUrls: readonly string[];
    replicas: { maxLagSeconds: number; checkIntervalMs: number };
    dbQueryTimeoutMs: number;
  },
  log: Logger,
  observers: { observeQuery?: QueryObserver; replicas?: ReplicaObserver } = {},
): ReadReplicas {
  const replicas = settings.replicaUrls.map((url) => ({
    url,
    dataSource: new DataSource(
      dataSourceOptions({ ...settings, databaseUrl: url }, log, observers.observeQuery, replicaName(url)),
    ),
  }));
  // A replica that fails a read is given half the read's time: the primary gets the rest.
  const timeoutMs = Math.max(1, Math.floor(settings.dbQueryTimeoutMs / 2));
  return new ReadReplicas(primary, replicas, { ...settings.replicas, timeoutMs }, log, observers.replicas);
}

/** Is the database answering, now, within the bound? (GET /ready asks.) */
export async function databaseAnswers(dataSource: DataSource, timeoutMs: number): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  const probe = dataSource.query('SELECT 1').then(
    () => true,
    () => false,
  );
  return withTimeout(probe, timeoutMs, () => false);
}

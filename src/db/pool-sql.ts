// The read path's SELECT straight on mysql2's pool. TypeORM's query runner costs a runner, a promise wrapper
// with a captured stack, and broadcaster events for every statement (2-4% of a 100-reference request,
// docs/performance.md). What it does that matters is kept: the logger sees each statement (tests count them),
// a failed or slow one is logged, the server-side timeout is set, each connection gets an error listener, the
// statement has its span. The embedded database (sql.js) keeps TypeORM's path.
import type { DataSource } from 'typeorm';
import { tracingOn } from '../observability/tracing';
import type { SqlRunner } from './account-rows';
import { isMysql } from './dialect';
import { tracedSql, withStatementSpan } from './sql-spans';

interface PooledConnection {
  query(
    options: { sql: string; values?: unknown[]; timeout?: number },
    done: (error: Error | null, rows: unknown) => void,
  ): void;
  release(): void;
  listeners(event: 'error'): unknown[];
  on(event: 'error', listener: (error: Error) => void): void;
}

interface MysqlDriverInternals {
  pool: { getConnection(done: (error: Error | null, connection: PooledConnection) => void): void };
  options: { maxQueryExecutionTime?: number; enableQueryTimeout?: boolean };
}

const runners = new WeakMap<DataSource, SqlRunner>();

/** A runner of this data source's statements: mysql2's pool directly, or TypeORM's (sql.js). */
export function poolSql(dataSource: DataSource): SqlRunner {
  if (!isMysql(dataSource.options)) return tracedSql(dataSource);
  let runner = runners.get(dataSource);
  if (runner === undefined) runners.set(dataSource, (runner = mysqlRunner(dataSource)));
  return runner;
}

function mysqlRunner(dataSource: DataSource): SqlRunner {
  const driver = dataSource.driver as unknown as MysqlDriverInternals;
  const { logger } = dataSource;
  const slowMs = driver.options.maxQueryExecutionTime;
  const timeout = driver.options.enableQueryTimeout === true ? slowMs : undefined;

  const run = (sql: string, values: unknown[] | undefined) =>
    new Promise<unknown>((resolve, reject) => {
      logger.logQuery(sql, values);
      const failed = (error: Error) => {
        logger.logQueryError(error, sql, values);
        reject(error);
      };
      driver.pool.getConnection((connectError, connection) => {
        if (connectError !== null) return failed(connectError);
        if (connection.listeners('error').length === 0) {
          connection.on('error', (error) => logger.log('warn', `MySQL connection raised an error. ${error.message}`));
        }
        const started = Date.now();
        connection.query({ sql, values, ...(timeout !== undefined && { timeout }) }, (error, rows) => {
          connection.release();
          const took = Date.now() - started;
          if (slowMs !== undefined && took > slowMs) logger.logQuerySlow(took, sql, values);
          if (error !== null) failed(error);
          else resolve(rows);
        });
      });
    });

  return {
    query: (sql, values) => (tracingOn() ? withStatementSpan('mysql', sql, () => run(sql, values)) : run(sql, values)),
  };
}

// TypeORM's logger, reduced to what we want: failed queries to the service log (never their parameters,
// which can hold real names), and a hook that sees every query (tests count them; metrics can time them).
import type { Logger as TypeormLogger } from 'typeorm';
import type { Logger } from 'pino';
import { errorForLog } from '../errors';
import { isLockConflict } from './database-errors';

/** A multi-row statement can be tens of kilobytes of placeholders; its start says which one it was. */
const LOGGED_SQL_LENGTH = 300;

function sqlForLog(query: string): string {
  return query.length > LOGGED_SQL_LENGTH ? `${query.slice(0, LOGGED_SQL_LENGTH)}...` : query;
}

/** Conflicts between writers are expected: the write transaction tries again, and reports if it gives up. */
function isExpectedConflict(error: unknown): boolean {
  return isLockConflict(error) || errorForLog(error).code === 'ER_DUP_ENTRY';
}

/** Sees each statement, and the database it went to: `primary`, or a replica's host:port. */
export type QueryObserver = (sql: string, database: string) => void;

export class SqlLogger implements TypeormLogger {
  constructor(
    private readonly serviceLog: Logger,
    private readonly observeQuery: QueryObserver | undefined,
    private readonly database = 'primary',
  ) {}

  logQuery(query: string): void {
    this.observeQuery?.(query, this.database);
  }

  logQueryError(error: string | Error, query: string): void {
    const level = isExpectedConflict(error) ? 'debug' : 'warn';
    this.serviceLog[level]({ err: errorForLog(error), sql: sqlForLog(query) }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.serviceLog.warn({ durationMs: time, sql: sqlForLog(query) }, 'slow query');
  }

  logSchemaBuild(message: string): void {
    this.serviceLog.debug(message);
  }

  logMigration(message: string): void {
    this.serviceLog.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.serviceLog.warn(String(message));
    else this.serviceLog.debug(String(message));
  }
}

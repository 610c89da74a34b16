// TypeORM's logger, reduced to what we want: failed queries to the service log (never their parameters,
// which can hold real names), and a hook that sees every query (tests count them; metrics can time them).
import type { Logger as TypeormLogger } from 'typeorm';
import type { Logger } from 'pino';
import { errorForLog } from '../errors';

export type QueryObserver = (sql: string) => void;

export class SqlLogger implements TypeormLogger {
  constructor(
    private readonly serviceLog: Logger,
    private readonly observeQuery: QueryObserver | undefined,
  ) {}

  logQuery(query: string): void {
    this.observeQuery?.(query);
  }

  logQueryError(error: string | Error, query: string): void {
    this.serviceLog.warn(
      {
        err: errorForLog(error),
        sql: query,
      },
      'query failed',
    );
  }

  logQuerySlow(time: number, query: string): void {
    this.serviceLog.warn({ durationMs: time, sql: query }, 'slow query');
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

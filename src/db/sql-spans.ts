// A span for each SQL statement of the read path and of the write transactions, named for what it does and
// to which table (`SELECT accounts`, `INSERT audit_log`): never the statement's text past that, never its
// parameters (ids, names, codes). With tracing off the runner is handed back as it is.
import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import { SpanKind, tracingOn, withSpan, type SpanAttributes } from '../observability/tracing';
import { isMysql } from './dialect';

export interface StatementSummary {
  /** The statement's first keyword, upper case: SELECT, INSERT, UPDATE, DELETE... */
  operation: string;
  /** The table it reads or writes first, when it names one plainly. */
  table?: string;
}

const TABLE_AFTER: Record<string, RegExp> = {
  SELECT: /\bFROM\s+`?([A-Za-z_][A-Za-z0-9_]*)`?/i,
  DELETE: /\bFROM\s+`?([A-Za-z_][A-Za-z0-9_]*)`?/i,
  INSERT: /\bINTO\s+`?([A-Za-z_][A-Za-z0-9_]*)`?/i,
  REPLACE: /\bINTO\s+`?([A-Za-z_][A-Za-z0-9_]*)`?/i,
  UPDATE: /^\s*UPDATE\s+(?:IGNORE\s+)?`?([A-Za-z_][A-Za-z0-9_]*)`?/i,
};

/** What a statement does, read from its first keyword and its first table: a name, never a value. */
export function statementSummary(sql: string): StatementSummary {
  const operation = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SQL';
  const table = TABLE_AFTER[operation]?.exec(sql)?.[1];
  return table === undefined ? { operation } : { operation, table };
}

export type DatabaseSystem = 'mysql' | 'sqlite';

export function databaseSystem(options: DataSourceOptions): DatabaseSystem {
  return isMysql(options) ? 'mysql' : 'sqlite';
}

/** The span of one statement (OpenTelemetry's database conventions, without the query text). */
export function withStatementSpan<T>(system: DatabaseSystem, sql: string, run: () => Promise<T>): Promise<T> {
  const { operation, table } = statementSummary(sql);
  const summary = table === undefined ? operation : `${operation} ${table}`;
  const attributes: SpanAttributes = {
    'db.system.name': system,
    'db.operation.name': operation,
    'db.query.summary': summary,
    ...(table !== undefined && { 'db.collection.name': table }),
  };
  return withSpan(summary, attributes, run, SpanKind.CLIENT);
}

/**
 * A DataSource (the read path's reads) or a transaction's EntityManager (the writes) with a span around each
 * of its `query` statements; the same object, untouched, with tracing off.
 */
export function tracedSql<Database extends DataSource | EntityManager>(database: Database): Database {
  if (!tracingOn()) return database;
  const system = databaseSystem(database instanceof DataSource ? database.options : database.connection.options);
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
      return (sql: string, parameters?: unknown[]) =>
        withStatementSpan(system, sql, () => target.query(sql, parameters));
    },
  });
}

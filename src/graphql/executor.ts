// Compiled execution. Apollo Server keeps HTTP handling, parsing, validation (with the request limits),
// plugins and error formatting; only the execution of a validated operation changes: graphql-jit compiles
// each distinct query once into a function, kept in a bounded cache, and runs it for every request that
// sends the same query.
//
// Errors stay exactly graphql-js's: a query whose compiled run reports any error is executed again by
// graphql-js, and that answer is the one sent. Reading twice costs no second query: the labels come from
// the request's DataLoader, which remembers them (failures included). Errors are rare (a bad
// representation, the database down), and graphql-jit differs from graphql-js in them: it completes the
// sibling fields of a field that nulls its object, orders errors as its code runs, and words variable
// errors its own way. Mutations always run on graphql-js: they must run once, and they are rare.
//
// The hook is Apollo's gateway interface: a "gateway" that hands Apollo this subgraph's own schema and an
// executor. The schema does not change, and `_service` still serves the checked-in SDL. GRAPHQL_EXECUTOR=graphql-js
// goes through the same hook with graphql-js alone; either way each operation runs in a span of its own.
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, type GraphQLError, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { markSpanFailed, tracingOn, withSpan } from '../observability/tracing';
import type { KnownOperations } from './known-operations';

export const EXECUTORS = ['graphql-jit', 'graphql-js'] as const;
export type ExecutorKind = (typeof EXECUTORS)[number];

/** A query graphql-jit would not compile: executed by graphql-js from then on. */
export const NOT_COMPILED = Symbol('not compiled');

/** Compiled queries by query hash and operation name, at most `max` of them (least recently used go first). */
export class CompiledQueries {
  private readonly queries: LRUCache<string, CompiledQuery | typeof NOT_COMPILED>;

  constructor(
    private readonly schema: GraphQLSchema,
    max: number,
  ) {
    this.queries = new LRUCache({ max });
  }

  get size(): number {
    return this.queries.size;
  }

  /** The compiled query, compiling it on first sight. */
  get(request: Pick<GatewayGraphQLRequestContext, 'queryHash' | 'document' | 'operationName'>) {
    const key = `${request.queryHash}:${request.operationName ?? ''}`;
    let query = this.queries.get(key);
    if (query === undefined) {
      const result = compileQuery(this.schema, request.document, request.operationName ?? undefined);
      query = isCompiledQuery(result) ? result : NOT_COMPILED;
      this.queries.set(key, query);
    }
    return query;
  }
}

export interface CompiledExecutorSettings {
  /** Most compiled queries kept: a client sending ever new queries cannot grow memory without bound. */
  maxCompiledOperations: number;
  /** Told which executor answered each operation (for metrics). */
  onExecuted?: (executor: ExecutorKind) => void;
  /** Told of every document answered without an error, to answer it again without Apollo's pipeline. */
  known?: KnownOperations;
}

/** graphql-js's execution, as Apollo runs it without a gateway. */
function executeWithGraphqlJs(schema: GraphQLSchema, request: GatewayGraphQLRequestContext) {
  // As the client sent them: Apollo's `operationName` is the name of the operation it resolved, if any.
  const { variables, operationName } = request.request;
  return execute({
    schema,
    document: request.document,
    operationName,
    variableValues: variables,
    contextValue: request.context,
  });
}

/** GRAPHQL_EXECUTOR=graphql-js: every operation executed by graphql-js. */
export function graphqlJsExecutor(
  schema: GraphQLSchema,
  onExecuted?: (executor: ExecutorKind) => void,
): GatewayExecutor {
  return async (request) => {
    onExecuted?.('graphql-js');
    return executeWithGraphqlJs(schema, request);
  };
}

export function compiledExecutor(schema: GraphQLSchema, settings: CompiledExecutorSettings): GatewayExecutor {
  const compiled = new CompiledQueries(schema, settings.maxCompiledOperations);
  const executed = settings.onExecuted ?? (() => undefined);
  return async (request) => {
    const { operation, context } = request;
    const { variables } = request.request;
    const onGraphqlJs = () => {
      executed('graphql-js');
      return executeWithGraphqlJs(schema, request);
    };
    // No operation: the document has none of that name, or several and no name. graphql-js says which, and
    // Apollo answers 400 OPERATION_RESOLUTION_FAILURE.
    if (operation?.operation !== 'query') return onGraphqlJs();
    const query = compiled.get(request);
    if (query === NOT_COMPILED) return onGraphqlJs();
    const result = await query.query(undefined, context, variables);
    if (result.errors !== undefined && result.errors.length > 0) return onGraphqlJs();
    executed('graphql-jit');
    if (request.source !== undefined) {
      settings.known?.remember(request.source, request.request.operationName, request.document, operation, query);
    }
    return result;
  };
}

/** The codes of an answer's errors, for its span: codes only, never a message (it may name an input). */
export function errorCodes(errors: readonly GraphQLError[]): string {
  const codes = new Set(errors.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')));
  return [...codes].sort().join(',');
}

/**
 * Runs each operation in a span named for its type and name (`query Feed__identity_labels__1`): never its
 * variables, never its document (an inline argument is a value a caller sent). An answer with errors marks
 * the span failed, with the errors' codes.
 */
export function tracedExecutor(executor: GatewayExecutor): GatewayExecutor {
  return (request) => {
    if (!tracingOn()) return executor(request);
    const type = request.operation?.operation ?? 'operation';
    const name = request.operationName ?? undefined;
    const attributes = {
      'graphql.operation.type': type,
      ...(name !== undefined && { 'graphql.operation.name': name }),
    };
    return withSpan(name === undefined ? type : `${type} ${name}`, attributes, async () => {
      const result = await executor(request);
      if (result.errors !== undefined && result.errors.length > 0) markSpanFailed(errorCodes(result.errors));
      return result;
    });
  };
}

/** Apollo's gateway hook, serving this subgraph's schema with the given executor. */
export function servingGateway(schema: GraphQLSchema, executor: GatewayExecutor): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: async () => ({ executor }),
    stop: async () => undefined,
  };
}

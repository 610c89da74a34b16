// What one request may ask: depth, aliases, cost and size of the query (graphql-armor), and the number of
// _entities representations (checked here: armor cannot see variables).
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { ErrorCode } from '../errors';

export interface RequestLimits {
  maxRepresentations: number;
  maxQueryDepth: number;
  maxAliases: number;
  maxQueryCost: number;
  maxQueryTokens: number;
}

/** Validation rules and plugins for Apollo Server; also turns off HTTP batching and stack traces. */
export function queryLimits(limits: RequestLimits) {
  return new ApolloArmor({
    maxDepth: { n: limits.maxQueryDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    costLimit: { maxCost: limits.maxQueryCost, ignoreIntrospection: true },
    maxTokens: { n: limits.maxQueryTokens },
    maxDirectives: { n: 50 },
    blockFieldSuggestion: { enabled: true },
  }).protect();
}

/** Wraps Query._entities so that a request with too many representations fails whole, before any lookup. */
export function limitRepresentations(schema: GraphQLSchema, maxRepresentations: number): void {
  const entities = schema.getQueryType()?.getFields()._entities;
  if (entities?.resolve === undefined) throw new Error('the schema has no _entities resolver to limit');
  const resolve: GraphQLFieldResolver<unknown, unknown> = entities.resolve;
  entities.resolve = (source, args: { representations?: unknown[] }, context, info) => {
    const count = args.representations?.length ?? 0;
    if (count > maxRepresentations) {
      throw new GraphQLError(`_entities takes at most ${maxRepresentations} representations, got ${count}`, {
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      });
    }
    return resolve(source, args, context, info);
  };
}

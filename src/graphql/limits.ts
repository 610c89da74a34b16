// What one request may ask: depth, aliases, cost and size of the query (graphql-armor), and the number of
// _entities representations (checked here: armor cannot see variables).
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, isUnionType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
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

/** Why a representation cannot be resolved at all, or undefined when @apollo/subgraph can take it. */
function representationProblem(value: unknown, entityTypes: ReadonlySet<string>): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  const typename = (value as { __typename?: unknown }).__typename;
  if (typeof typename !== 'string') return 'has no __typename';
  if (!entityTypes.has(typename))
    return `has __typename "${typename.slice(0, 64)}", which is not an entity of this subgraph`;
  return undefined;
}

/**
 * Wraps Query._entities: a request with too many representations fails whole, before any lookup; a
 * representation that is not an object with an entity __typename becomes an error at its own index (left
 * to @apollo/subgraph it would fail the whole list), so the others still resolve.
 */
export function guardEntities(schema: GraphQLSchema, maxRepresentations: number): void {
  const entities = schema.getQueryType()?.getFields()._entities;
  if (entities?.resolve === undefined) throw new Error('the schema has no _entities resolver to guard');
  const resolve: GraphQLFieldResolver<unknown, unknown> = entities.resolve;
  const entityUnion = schema.getType('_Entity');
  const entityTypes = new Set(isUnionType(entityUnion) ? entityUnion.getTypes().map((type) => type.name) : []);
  const usable = (representation: unknown) => representationProblem(representation, entityTypes) === undefined;
  entities.resolve = (source, args: { representations: unknown[] }, context, info) => {
    const representations = args.representations;
    if (representations.length > maxRepresentations) {
      throw new GraphQLError(
        `_entities takes at most ${maxRepresentations} representations, got ${representations.length}`,
        {
          extensions: { code: ErrorCode.BAD_USER_INPUT },
        },
      );
    }
    if (representations.every(usable)) return resolve(source, args, context, info);
    const resolved = resolve(source, { ...args, representations: representations.filter(usable) }, context, info);
    // graphql-js turns an Error in a list into an error for that item alone.
    return Promise.resolve(resolved as unknown[]).then((values) => {
      let next = 0;
      return representations.map((representation, index) => {
        const problem = representationProblem(representation, entityTypes);
        if (problem === undefined) return values[next++];
        return new GraphQLError(`representation ${index} ${problem}`, {
          extensions: { code: ErrorCode.BAD_USER_INPUT },
        });
      });
    });
  };
}

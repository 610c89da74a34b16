// What one request may ask: depth, aliases, cost and size of the query (graphql-armor). The number of
// _entities representations is checked by the _entities resolver (entities.ts): armor cannot see variables.
import { ApolloArmor } from '@escape.tech/graphql-armor';

export interface RequestLimits {
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

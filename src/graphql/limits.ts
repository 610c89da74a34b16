// What one request may ask: size, depth, aliases and cost of the query, and the `_entities` representations it
// carries in all. A request past a limit is refused whole, with a 400 and a code, before anything runs.
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type ParseOptions,
  type ValidationContext,
  type ASTVisitor,
} from 'graphql';
import { requestRefused } from '../errors';

export interface RequestLimits {
  maxRepresentations: number;
  maxQueryDepth: number;
  maxAliases: number;
  maxQueryCost: number;
  maxQueryTokens: number;
}

/**
 * The parser's own token limit: it stops reading at the limit, so an oversized document costs no more than
 * one of the limit's size, and it fails the way any syntax error does (400, GRAPHQL_PARSE_FAILED).
 */
export function parseLimits(limits: RequestLimits): ParseOptions {
  return { maxTokens: limits.maxQueryTokens };
}

/**
 * graphql-armor's depth, alias, cost and directive limits, as validation rules. Routers that merge fetches
 * (Hive Gateway) send one `_entities` alias per fetch: those aliases are bounded by the representations they
 * carry (representationLimit), not by MAX_ALIASES. Armor's own token limit is off: it re-parsed every document
 * in a plugin, and its errors became 500s; parseLimits does the job.
 */
export function queryLimits(limits: RequestLimits) {
  return new ApolloArmor({
    maxDepth: { n: limits.maxQueryDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: limits.maxAliases, allowList: ['_entities'] },
    costLimit: { maxCost: limits.maxQueryCost, ignoreIntrospection: true },
    maxTokens: { enabled: false },
    maxDirectives: { n: 50 },
    blockFieldSuggestion: { enabled: true },
  }).protect();
}

/** graphql-js 16 does not check it (17 will): an operation type the schema has no root for is a client error. */
export function supportedOperationTypes(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (context.getSchema().getRootType(node.operation) === undefined) {
        context.reportError(
          new GraphQLError(`this subgraph does not support ${node.operation} operations`, { nodes: [node] }),
        );
      }
    },
  };
}

/** How many representations the `_entities` fields of the document carry, inline or in variables. */
export function countRepresentations(document: DocumentNode, variables: Record<string, unknown> | undefined): number {
  let total = 0;
  visit(document, {
    Field(field) {
      if (field.name.value !== '_entities') return;
      const argument = field.arguments?.find((candidate) => candidate.name.value === 'representations')?.value;
      if (argument?.kind === Kind.LIST) total += argument.values.length;
      if (argument?.kind === Kind.VARIABLE) {
        const value = variables?.[argument.name.value];
        if (Array.isArray(value)) total += value.length;
      }
    },
  });
  return total;
}

/**
 * At most `maxRepresentations` in one request, across every `_entities` field (a merging router sends one
 * alias per fetch). Checked before execution (armor cannot see variables): past it, nothing is looked up.
 */
export function representationLimit(maxRepresentations: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }: GraphQLRequestContext<object>) {
          if (document === undefined) return;
          const total = countRepresentations(document, request.variables);
          if (total > maxRepresentations) {
            throw requestRefused(
              `_entities takes at most ${maxRepresentations} representations a request, got ${total}`,
            );
          }
        },
      };
    },
  };
}

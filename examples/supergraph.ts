// Composes the supergraph from the three subgraph SDLs with @apollo/composition, as `rover supergraph
// compose` would: the gateway in the demo and tests, and docker/supergraph.graphql for the router, use it.
import { composeServices } from '@apollo/composition';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { POSTS_TYPE_DEFS } from './posts-subgraph';
import { USERS_TYPE_DEFS } from './users-subgraph';

export const IDENTITY_SUBGRAPH = 'identity-labels';
export const USERS_SUBGRAPH = 'users';
export const POSTS_SUBGRAPH = 'posts';

export interface SubgraphSource {
  name: string;
  /** Where the gateway or router sends this subgraph's fetches. */
  url: string;
  typeDefs: DocumentNode;
}

export interface Supergraph {
  supergraphSdl: string;
  /** What clients of the router see: the supergraph without its federation machinery. */
  apiSchema: GraphQLSchema;
  /** Composition hints: not errors, but worth a look (printed by the demo, listed by the tests). */
  hints: string[];
}

export class CompositionError extends Error {
  override name = 'CompositionError';
}

/** The repository root, found upwards from here: this file runs from examples/ (tests) and dist/examples/. */
export function repositoryPath(...segments: string[]): string {
  let directory = __dirname;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${__dirname}`);
    directory = parent;
  }
  return join(directory, ...segments);
}

/** The contract as checked in, not as the code prints it: that is what the router composes. */
export function identityTypeDefs(): DocumentNode {
  return parse(readFileSync(repositoryPath('schema', 'identity-labels.graphql'), 'utf8'));
}

/** The three subgraphs of the local supergraph, at the given routing URLs. */
export function localSubgraphs(urls: Record<'identity' | 'users' | 'posts', string>): SubgraphSource[] {
  return [
    { name: IDENTITY_SUBGRAPH, url: urls.identity, typeDefs: identityTypeDefs() },
    { name: USERS_SUBGRAPH, url: urls.users, typeDefs: USERS_TYPE_DEFS },
    { name: POSTS_SUBGRAPH, url: urls.posts, typeDefs: POSTS_TYPE_DEFS },
  ];
}

/** Throws a CompositionError listing every composition error; hints are returned, not thrown. */
export function composeSupergraph(subgraphs: SubgraphSource[]): Supergraph {
  const result = composeServices(subgraphs);
  if (result.errors) {
    throw new CompositionError(
      `the supergraph does not compose:\n  ${result.errors.map((error) => error.message).join('\n  ')}`,
    );
  }
  return {
    supergraphSdl: result.supergraphSdl,
    apiSchema: result.schema.toAPISchema().toGraphQLJSSchema(),
    hints: result.hints.map((hint) => `${hint.definition.code}: ${hint.message}`),
  };
}

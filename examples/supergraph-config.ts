// Reads docker/supergraph.yaml, rover's supergraph configuration, into the subgraphs to compose: the file
// the router's deployment is described by is also what `npm run supergraph:compose` composes from.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseGraphQL, print } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { POSTS_TYPE_DEFS } from './posts-subgraph';
import { repositoryPath, type SubgraphSource } from './supergraph';
import { USERS_TYPE_DEFS } from './users-subgraph';

export const SUPERGRAPH_CONFIG = repositoryPath('docker', 'supergraph.yaml');
export const SUPERGRAPH_SCHEMA = repositoryPath('docker', 'supergraph.graphql');

/** The stand-ins' SDL as files, for rover; written from their code by `npm run supergraph:compose`. */
export const STAND_IN_SCHEMA_FILES: Record<string, string> = {
  [repositoryPath('examples', 'users.graphql')]: `${print(USERS_TYPE_DEFS)}\n`,
  [repositoryPath('examples', 'posts.graphql')]: `${print(POSTS_TYPE_DEFS)}\n`,
};

export interface SupergraphConfig {
  federationVersion: string;
  subgraphs: { name: string; routingUrl: string; schemaFile: string }[];
}

interface RoverConfig {
  federation_version?: unknown;
  subgraphs?: Record<string, { routing_url?: unknown; schema?: { file?: unknown } }>;
}

/** Schema file paths are relative to the configuration file, as rover reads them. */
export function readSupergraphConfig(file = SUPERGRAPH_CONFIG): SupergraphConfig {
  const config = parseYaml(readFileSync(file, 'utf8')) as RoverConfig;
  const subgraphs = Object.entries(config.subgraphs ?? {}).map(([name, subgraph]) => {
    const routingUrl = subgraph.routing_url;
    const schemaFile = subgraph.schema?.file;
    if (typeof routingUrl !== 'string' || typeof schemaFile !== 'string') {
      throw new Error(`${file}: subgraph ${name} needs routing_url and schema.file`);
    }
    return { name, routingUrl, schemaFile: resolve(dirname(file), schemaFile) };
  });
  return { federationVersion: String(config.federation_version), subgraphs };
}

export function subgraphSources(config: SupergraphConfig): SubgraphSource[] {
  return config.subgraphs.map((subgraph) => ({
    name: subgraph.name,
    url: subgraph.routingUrl,
    typeDefs: parseGraphQL(readFileSync(subgraph.schemaFile, 'utf8')),
  }));
}

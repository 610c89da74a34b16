// Builds the federated subgraph schema from the type-graphql classes, and its SDL.
import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { resolveEntitiesInBatches } from './entities';
import { referenceResolvers } from './references';
import { ConsentResolver } from './resolvers/consent.resolver';
import { PolicyResolver } from './resolvers/policy.resolver';
import { PostResolver } from './resolvers/post.resolver';
import { UserResolver } from './resolvers/user.resolver';
import { Post } from './types/post';
import { User } from './types/user';

const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@external", "@requires"])`;

export interface IdentitySchema {
  /** The executable subgraph schema, with _entities and _service. */
  schema: GraphQLSchema;
  /** The subgraph SDL the router composes, as checked in at schema/identity-labels.graphql. */
  sdl: string;
}

export async function buildIdentitySchema(): Promise<IdentitySchema> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: [UserResolver, PostResolver, PolicyResolver, ConsentResolver],
    orphanedTypes: [User, Post],
    validate: false,
    skipCheck: true, // the federation types (_entities, _service) are added by buildSubgraphSchema
  });
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphqlSchema).trim()}\n`;
  const resolvers = createResolversMap(typeGraphqlSchema) as Record<string, object>;
  for (const [typeName, typeResolvers] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...resolvers[typeName], ...typeResolvers };
  }
  const schema = buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: resolvers as never }]);
  resolveEntitiesInBatches(schema);
  return { schema, sdl };
}

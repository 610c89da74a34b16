// Builds the federated subgraph schema from the type-graphql classes, and its SDL.
import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { isEnumType, isScalarType, parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { entityFieldResolvers } from './entity-fields';
import { referenceResolvers } from './references';
import { ConsentResolver } from './resolvers/consent.resolver';
import { PolicyResolver } from './resolvers/policy.resolver';
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
    resolvers: [PolicyResolver, ConsentResolver],
    orphanedTypes: [User, Post],
    validate: false,
    skipCheck: true, // the federation types (_entities, _service) are added by buildSubgraphSchema
  });
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphqlSchema).trim()}\n`;
  // type-graphql wraps every field of every type in a resolver of its own; over the hundreds of entities of
  // a feed request that was a large share of the time. Only the root operations keep type-graphql's
  // resolvers; User and Post fields are plain functions; plain-data types (IdentityLabel, PolicyStage) use
  // graphql-js's property access. Scalars and enums come from type-graphql as they are.
  const generated = createResolversMap(typeGraphqlSchema) as Record<string, object>;
  const resolvers: Record<string, object> = {};
  for (const [typeName, typeResolvers] of Object.entries(generated)) {
    const type = typeGraphqlSchema.getType(typeName);
    if (isScalarType(type) || isEnumType(type)) resolvers[typeName] = typeResolvers;
  }
  resolvers.Query = generated.Query;
  resolvers.Mutation = generated.Mutation;
  resolvers.User = { ...entityFieldResolvers.User, ...referenceResolvers.User };
  resolvers.Post = { ...entityFieldResolvers.Post, ...referenceResolvers.Post };
  const schema = buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: resolvers as never }]);
  return { schema, sdl };
}

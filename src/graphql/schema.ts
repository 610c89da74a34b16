// Builds the federated subgraph schema from the type-graphql classes: its SDL, as checked in at
// schema/identity-labels.graphql, and the executable schema the service serves, `_entities` included.
import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { isEnumType, isScalarType, parse, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { resolveEntities } from './entities';
import { droppedFieldResolvers, fieldsNeedingResolvers } from './resolver-coverage';
import { ConsentResolver } from './resolvers/consent.resolver';
import { OwnerDataResolver } from './resolvers/owner-data.resolver';
import { PolicyResolver } from './resolvers/policy.resolver';
import { Post } from './types/post';
import { User } from './types/user';

const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@external", "@requires", "@authenticated"])`;

const RESOLVER_CLASSES = [PolicyResolver, ConsentResolver, OwnerDataResolver] as const;

function buildTypeGraphqlSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVER_CLASSES,
    orphanedTypes: [User, Post],
    validate: false,
    skipCheck: true, // the federation types (_entities, _service) are added by buildSubgraphSchema
  });
}

function printSdl(typeGraphqlSchema: GraphQLSchema): string {
  return `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphqlSchema).trim()}\n`;
}

/** The subgraph SDL the router composes, as checked in at schema/identity-labels.graphql. */
export async function printIdentitySdl(): Promise<string> {
  return printSdl(await buildTypeGraphqlSchema());
}

/**
 * A field that is a method of its class (it needs the request's context, for a batch of its own) is
 * called as graphql-js's default resolver would call it: graphql-jit reads a field without a resolver as
 * a plain property, and would hand out the method itself.
 */
type FieldMethod = (args: unknown, context: unknown, info: unknown) => unknown;
const callMethod: GraphQLFieldResolver<Record<string, FieldMethod>, unknown> = (source, args, context, info) =>
  source[info.fieldName]?.call(source, args, context, info);

/** The executable subgraph schema the service serves, with `_entities` and `_service`. */
export async function buildIdentitySchema(): Promise<GraphQLSchema> {
  const typeGraphqlSchema = await buildTypeGraphqlSchema();
  // The root operations keep type-graphql's resolvers; every other field is read from the value itself
  // (User and Post fields are getters of their classes, labels and stages are plain data), so the hundreds
  // of entity fields of a feed request run without a resolver wrapper each. Scalars and enums come from
  // type-graphql as they are.
  const generated = createResolversMap(typeGraphqlSchema) as Record<string, object>;
  const resolvers: Record<string, object> = {};
  for (const [typeName, typeResolvers] of Object.entries(generated)) {
    const type = typeGraphqlSchema.getType(typeName);
    if (isScalarType(type) || isEnumType(type)) resolvers[typeName] = typeResolvers;
  }
  resolvers.Query = { ...generated.Query, _entities: resolveEntities() };
  if (generated.Mutation !== undefined) resolvers.Mutation = generated.Mutation;
  resolvers.User = {
    ipLocation: callMethod,
    qualifications: callMethod,
    mcnAgency: callMethod,
    mayPublishIn: callMethod,
  };
  resolvers.Post = { ipLocation: callMethod, professionalLabel: callMethod };
  const dropped = droppedFieldResolvers(fieldsNeedingResolvers(typeGraphqlSchema, RESOLVER_CLASSES), resolvers);
  if (dropped.length > 0) {
    throw new Error(
      `buildIdentitySchema would drop the resolvers of ${dropped.join(', ')}: add them to its resolver map (src/graphql/schema.ts)`,
    );
  }
  return buildSubgraphSchema([{ typeDefs: parse(printSdl(typeGraphqlSchema)), resolvers: resolvers as never }]);
}

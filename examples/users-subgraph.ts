// A stand-in for the platform's users subgraph: it owns User and its nickname, which identity-labels
// @requires to build displayName.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { PlatformUser } from './platform-data';
import { serveSchema, type RunningServer } from './serve';

export const USERS_TYPE_DEFS = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type User @key(fields: "id") {
    id: ID!
    nickname: String!
    followerCount: Int!
  }

  type Query {
    user(id: ID!): User
  }
`);

export function buildUsersSchema(users: PlatformUser[]) {
  const byId = new Map(users.map((user) => [user.id, user]));
  const resolvers = {
    Query: {
      user: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null,
    },
  };
  return buildSubgraphSchema([{ typeDefs: USERS_TYPE_DEFS, resolvers }]);
}

export function startUsersSubgraph(users: PlatformUser[], port: number): Promise<RunningServer> {
  return serveSchema(buildUsersSchema(users), port);
}

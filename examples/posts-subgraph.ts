// A stand-in for the platform's posts subgraph: it owns Post, its author reference and the feed.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import type { PlatformPost } from './platform-data';
import { serveSchema, type RunningServer } from './serve';

export const MAX_FEED_PAGE = 100;
const DEFAULT_FEED_PAGE = 20;

export const POSTS_TYPE_DEFS = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Post @key(fields: "id") {
    id: ID!
    text: String!
    """ISO 8601, UTC."""
    createdAt: String!
    author: User!
    """The posts service's category, e.g. finance, health; null for none."""
    category: String
  }

  """Owned by the users subgraph; this subgraph only knows its id."""
  type User @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Query {
    """The newest posts first, at most ${MAX_FEED_PAGE}."""
    feed(first: Int = ${DEFAULT_FEED_PAGE}): [Post!]!
  }
`);

export function buildPostsSchema(posts: PlatformPost[]) {
  const newestFirst = [...posts].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const byId = new Map(posts.map((post) => [post.id, post]));
  const resolvers = {
    Query: {
      feed: (_: unknown, args: { first: number | null }) => {
        const first = args.first ?? DEFAULT_FEED_PAGE; // an explicit null means the default
        if (first < 0 || first > MAX_FEED_PAGE) {
          throw new GraphQLError(`first must be between 0 and ${MAX_FEED_PAGE}`, {
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        return newestFirst.slice(0, first);
      },
    },
    Post: {
      __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null,
      author: (post: PlatformPost) => ({ __typename: 'User', id: post.authorId }),
    },
  };
  return buildSubgraphSchema([{ typeDefs: POSTS_TYPE_DEFS, resolvers }]);
}

/**
 * What the posts service does when a post is made: it tells identity-labels where the post was sent from
 * (POST /ip-locations, its own secret), and keeps the address to itself. The demo sends its posts at start.
 */
export async function recordPostLocations(
  identityUrl: string,
  posts: PlatformPost[],
  writerSecret: string | undefined,
): Promise<void> {
  const response = await fetch(`${identityUrl}/ip-locations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(writerSecret === undefined ? {} : { authorization: `Bearer ${writerSecret}` }),
    },
    body: JSON.stringify({
      records: posts.map((post) => ({ postId: post.id, userId: post.authorId, ip: post.ip, at: post.createdAt })),
    }),
  });
  const answer = (await response.json()) as { rejected?: unknown[] };
  if (!response.ok || answer.rejected?.length !== 0) {
    throw new Error(
      `identity-labels did not record the posts' locations: ${response.status} ${JSON.stringify(answer)}`,
    );
  }
}

export function startPostsSubgraph(posts: PlatformPost[], port: number): Promise<RunningServer> {
  return serveSchema(buildPostsSchema(posts), port);
}

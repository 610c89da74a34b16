// The platform's side of the local supergraph: users and posts as the users and posts subgraphs own them.
// The identity subgraph never sees this data; it only receives the ids and nicknames the router passes on.

export interface PlatformUser {
  id: string;
  nickname: string;
  followerCount: number;
}

export interface PlatformPost {
  id: string;
  text: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  authorId: string;
}

export interface PlatformData {
  users: PlatformUser[];
  posts: PlatformPost[];
}

const MINUTE_MS = 60 * 1000;

/** The authors of the demo feed: the identity subgraph's embedded demo accounts, one in every status. */
export const DEMO_USERS: PlatformUser[] = [
  { id: 'demo-disclosed', nickname: 'weiwei', followerCount: 2_400_000 },
  { id: 'demo-organization', nickname: 'hz-evening', followerCount: 1_300_000 },
  { id: 'demo-notice', nickname: 'nana', followerCount: 720_000 },
  { id: 'demo-refused', nickname: 'fangfang', followerCount: 1_800_000 },
  { id: 'demo-deadline-passed', nickname: 'yangyang', followerCount: 650_000 },
  { id: 'demo-unverified', nickname: 'jingjing', followerCount: 3_100_000 },
  { id: 'demo-small', nickname: 'leilei', followerCount: 12_000 },
  { id: 'demo-voluntary', nickname: 'lili', followerCount: 86_000 },
];

/** `count` posts, newest first, a minute apart, their authors taken from `users` in turn. */
export function postsBy(users: PlatformUser[], count: number, now = new Date()): PlatformPost[] {
  return Array.from({ length: count }, (_, index) => {
    const author = users[index % users.length] as PlatformUser; // index % length is always in range
    return {
      id: `post-${index + 1}`,
      text: `Post ${index + 1} by ${author.nickname}`,
      createdAt: new Date(now.getTime() - index * MINUTE_MS).toISOString(),
      authorId: author.id,
    };
  });
}

export function demoPlatformData(now = new Date()): PlatformData {
  return { users: DEMO_USERS, posts: postsBy(DEMO_USERS, DEMO_USERS.length * 2, now) };
}

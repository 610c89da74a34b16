// The platform's side of the local supergraph: users and posts as the users and posts subgraphs own them.
// The identity subgraph never sees this data; it only receives the ids and nicknames the router passes on.

export interface PlatformUser {
  id: string;
  nickname: string;
  followerCount: number;
  /** The category the posts service files the user's posts under. */
  category: string;
}

export interface PlatformPost {
  id: string;
  text: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  authorId: string;
  /** The posts service's category; identity-labels maps it to a professional field (Post.professionalLabel). */
  category: string;
  /** The address the post was sent from: the posts service hands it to identity-labels once, and keeps it to itself. */
  ip: string;
}

export interface PlatformData {
  users: PlatformUser[];
  posts: PlatformPost[];
}

const MINUTE_MS = 60 * 1000;

/** The authors of the demo feed: the identity subgraph's embedded demo accounts, one in every status. */
export const DEMO_USERS: PlatformUser[] = [
  { id: 'demo-disclosed', nickname: 'weiwei', followerCount: 2_400_000, category: 'current-affairs' },
  { id: 'demo-organization', nickname: 'hz-evening', followerCount: 1_300_000, category: 'current-affairs' },
  { id: 'demo-notice', nickname: 'nana', followerCount: 720_000, category: 'Finance' },
  { id: 'demo-refused', nickname: 'fangfang', followerCount: 1_800_000, category: 'law' },
  { id: 'demo-deadline-passed', nickname: 'yangyang', followerCount: 650_000, category: 'health' },
  { id: 'demo-unverified', nickname: 'jingjing', followerCount: 3_100_000, category: 'politics' },
  { id: 'demo-small', nickname: 'leilei', followerCount: 12_000, category: 'travel' },
  { id: 'demo-voluntary', nickname: 'lili', followerCount: 86_000, category: 'technology' },
];

/** Where the demo posts are sent from, in turn (documentation-worthy public resolvers and well-known networks). */
export const DEMO_POST_ADDRESSES = [
  '223.5.5.5', // 浙江
  '202.96.128.86', // 广东
  '180.76.76.76', // 北京
  '203.198.7.66', // 中国香港
  '114.114.114.114', // 江苏
  '8.8.8.8', // 美国
  '61.220.0.1', // 中国台湾
  '240e:1::1', // 黑龙江, over IPv6
  '81.2.69.142', // 英国
  '192.168.1.1', // 未知: a private address
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
      category: author.category,
      ip: DEMO_POST_ADDRESSES[index % DEMO_POST_ADDRESSES.length]!,
    };
  });
}

export function demoPlatformData(now = new Date()): PlatformData {
  return { users: DEMO_USERS, posts: postsBy(DEMO_USERS, DEMO_USERS.length * 2, now) };
}

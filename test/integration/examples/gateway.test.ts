// The subgraph behind two real routers, Apollo Gateway and Hive Gateway: the queries a client app runs, through
// the supergraph, against MySQL. Both forward the viewer headers and the router secret, as the compose file's
// router does (docker/gateway.config.ts).
import { composeSupergraph, IDENTITY_SUBGRAPH, localSubgraphs } from '../../../examples/supergraph';
import { startGateway } from '../../../examples/gateway';
import { startHiveGateway } from '../../../examples/hive-gateway';
import { DEMO_USERS, postsBy } from '../../../examples/platform-data';
import { recordPostLocations, startPostsSubgraph } from '../../../examples/posts-subgraph';
import type { RunningServer } from '../../../examples/serve';
import { startUsersSubgraph } from '../../../examples/users-subgraph';
import { storeSeededProfessionalLabels } from '../../../src/demo/demo-data';
import { accountsInEveryStatus, NOW, professionalLabelsInEveryStatus } from '../../support/every-status';
import { professionalSelects } from '../../support/professional';
import { WRITER_SECRET } from '../../support/ip-locations';
import { plainRealNames, textOf } from '../../support/real-names';
import { useTestServer, type GraphQLResponse } from '../../support/server';
import { onTeardown } from '../../support/teardown';

const accounts = accountsInEveryStatus;
const REAL_NAMES = Object.values(accounts).map((account) => textOf(account.realName, plainRealNames)!);

/** The demo people as the users subgraph knows them (ids demo-<person>, nicknames). */
const users = DEMO_USERS;
const FEED_PAGE = 50;

const FEED_QUERY = `
  query Feed($first: Int) {
    feed(first: $first) {
      id
      text
      displayName
      verifiedRealName
      author { id nickname displayName verifiedRealName identityLabel { status restricted } }
    }
  }`;

interface FeedPost {
  id: string;
  text: string;
  displayName: string;
  verifiedRealName: string | null;
  author: {
    id: string;
    nickname: string;
    displayName: string;
    verifiedRealName: string | null;
    identityLabel: { status: string; restricted: boolean };
  };
}

const ROUTER_SECRET = 'a-router-secret-for-the-tests';
const identity = useTestServer({
  now: NOW,
  accounts: Object.values(accounts),
  // Only the routers get in; and an alias limit a merging router's `_entities` aliases would have broken.
  env: { ROUTER_SECRET, MAX_ALIASES: '1', IP_LOCATION_WRITER_SECRET: WRITER_SECRET },
});
let running: RunningServer[] = [];
const routerUrls: Record<Router, string> = { 'Apollo Gateway': '', 'Hive Gateway': '' };
type Router = 'Apollo Gateway' | 'Hive Gateway';
/** Every query each gateway sent to the identity subgraph, in order. */
const identityFetches: Record<Router, string[]> = { 'Apollo Gateway': [], 'Hive Gateway': [] };

beforeAll(async () => {
  await storeSeededProfessionalLabels(identity.app.dataSource, professionalLabelsInEveryStatus);
  const usersSubgraph = await startUsersSubgraph(users, 0);
  const posts = postsBy(users, FEED_PAGE, NOW);
  const postsSubgraph = await startPostsSubgraph(posts, 0);
  await recordPostLocations(identity.app.url, posts, WRITER_SECRET);
  running = [usersSubgraph, postsSubgraph];
  const { supergraphSdl } = composeSupergraph(
    localSubgraphs({ identity: `${identity.app.url}/graphql`, users: usersSubgraph.url, posts: postsSubgraph.url }),
  );
  // Counted where each gateway sends to the identity subgraph: one call is one HTTP POST it sends.
  const observe = (router: Router) => (subgraph: string, query: string) => {
    if (subgraph === IDENTITY_SUBGRAPH) identityFetches[router].push(query);
  };
  const apollo = await startGateway({
    supergraphSdl,
    port: 0,
    routerSecret: ROUTER_SECRET,
    observeFetch: observe('Apollo Gateway'),
  });
  const hive = await startHiveGateway({
    supergraphSdl,
    port: 0,
    routerSecret: ROUTER_SECRET,
    observeFetch: observe('Hive Gateway'),
  });
  running = [apollo, hive, ...running];
  routerUrls['Apollo Gateway'] = apollo.url;
  routerUrls['Hive Gateway'] = hive.url;
});

onTeardown(async () => {
  for (const server of running) await server.close();
});

async function throughGateway(
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
  router: Router = 'Apollo Gateway',
): Promise<{ body: GraphQLResponse; text: string; identityFetches: string[]; accountQueries: number }> {
  const fetchesBefore = identityFetches[router].length;
  const queriesBefore = identity.accountQueries().length;
  const response = await fetch(routerUrls[router], {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return {
    body: JSON.parse(text) as GraphQLResponse,
    text,
    identityFetches: identityFetches[router].slice(fetchesBefore),
    accountQueries: identity.accountQueries().length - queriesBefore,
  };
}

async function feedAs(headers: Record<string, string>, router: Router = 'Apollo Gateway') {
  const result = await throughGateway(FEED_QUERY, { first: FEED_PAGE }, headers, router);
  expect(result.body.errors).toBeUndefined();
  return { ...result, posts: result.body.data!.feed as FeedPost[] };
}

const VERIFIED = { 'x-viewer-id': 'viewer-1', 'x-viewer-verified': 'true' };
const SIGNED_IN = { 'x-viewer-id': 'viewer-2', 'x-viewer-verified': 'false' };
const ANONYMOUS = {};

const byAuthor = (posts: FeedPost[], authorId: string) => posts.filter((post) => post.author.id === authorId);

describe.each<Router>(['Apollo Gateway', 'Hive Gateway'])('through %s', (router) => {
  describe('a verified viewer', () => {
    it("sees 'nickname (Real Name)' for disclosed authors and organizations, the nickname for everyone else", async () => {
      const { posts } = await feedAs(VERIFIED, router);
      expect(posts).toHaveLength(FEED_PAGE);
      const seen = Object.fromEntries(
        posts.slice(0, users.length).map((post) => [
          post.author.id,
          {
            post: [post.displayName, post.verifiedRealName],
            author: [post.author.displayName, post.author.verifiedRealName],
            label: post.author.identityLabel,
          },
        ]),
      );
      const organization = 'Hangzhou Evening News Media Co., Ltd.';
      expect(seen).toEqual({
        'demo-disclosed': {
          post: ['weiwei (Zhang Wei)', 'Zhang Wei'],
          author: ['weiwei (Zhang Wei)', 'Zhang Wei'],
          label: { status: 'DISCLOSED', restricted: false },
        },
        'demo-organization': {
          post: [`hz-evening (${organization})`, organization],
          author: [`hz-evening (${organization})`, organization],
          label: { status: 'DISCLOSED', restricted: false },
        },
        'demo-notice': { post: ['nana', null], author: ['nana', null], label: { status: 'NOTICE', restricted: false } },
        'demo-refused': {
          post: ['fangfang', null],
          author: ['fangfang', null],
          label: { status: 'REFUSED', restricted: true },
        },
        'demo-deadline-passed': {
          post: ['yangyang', null],
          author: ['yangyang', null],
          label: { status: 'REFUSED', restricted: true },
        },
        'demo-unverified': {
          post: ['jingjing', null],
          author: ['jingjing', null],
          label: { status: 'UNVERIFIED', restricted: true },
        },
        'demo-small': {
          post: ['leilei', null],
          author: ['leilei', null],
          label: { status: 'NOT_SUBJECT', restricted: false },
        },
        'demo-voluntary': {
          post: ['lili (Sun Li)', 'Sun Li'],
          author: ['lili (Sun Li)', 'Sun Li'],
          label: { status: 'DISCLOSED', restricted: false },
        },
      });
    });

    it('sees the same attribution on every post of an author, across the whole page', async () => {
      const { posts } = await feedAs(VERIFIED, router);
      for (const post of posts) {
        expect(post.displayName).toBe(post.author.displayName);
        expect(post.verifiedRealName).toBe(post.author.verifiedRealName);
      }
      expect(new Set(byAuthor(posts, 'demo-disclosed').map((post) => post.displayName))).toEqual(
        new Set(['weiwei (Zhang Wei)']),
      );
    });

    it('never sees the name of an author who has not disclosed it', async () => {
      const { text } = await feedAs(VERIFIED, router);
      for (const hidden of ['Li Na', 'Wang Fang', 'Liu Yang', 'Chen Jing', 'Zhao Lei'])
        expect(text).not.toContain(hidden);
    });
  });

  describe.each([
    ['an anonymous viewer', ANONYMOUS],
    ['a signed-in viewer who is not verified', SIGNED_IN],
  ])('%s', (_name, headers) => {
    it('sees only nicknames, and no real name anywhere in the response', async () => {
      const { posts, text } = await feedAs(headers, router);
      for (const post of posts) {
        expect(post.displayName).toBe(post.author.nickname);
        expect(post.author.displayName).toBe(post.author.nickname);
        expect(post.verifiedRealName).toBeNull();
        expect(post.author.verifiedRealName).toBeNull();
      }
      for (const realName of REAL_NAMES) expect(text).not.toContain(realName);
    });

    it('still sees every label, so a client can mark restricted accounts', async () => {
      const { posts } = await feedAs(headers, router);
      expect(byAuthor(posts, 'demo-refused')[0]?.author.identityLabel).toEqual({ status: 'REFUSED', restricted: true });
      expect(byAuthor(posts, 'demo-disclosed')[0]?.author.identityLabel).toEqual({
        status: 'DISCLOSED',
        restricted: false,
      });
    });
  });

  describe('the owner', () => {
    it('sees its own disclosed name even unverified, and nobody else’s', async () => {
      const { posts, text } = await feedAs({ 'x-viewer-id': 'demo-disclosed', 'x-viewer-verified': 'false' }, router);
      for (const post of byAuthor(posts, 'demo-disclosed')) expect(post.displayName).toBe('weiwei (Zhang Wei)');
      expect(text).not.toContain('Evening News Media');
    });

    it('of an account in its notice period does not see its own name: it is not disclosed yet', async () => {
      const { posts, text } = await feedAs({ 'x-viewer-id': 'demo-notice', 'x-viewer-verified': 'true' }, router);
      for (const post of byAuthor(posts, 'demo-notice')) {
        expect(post.displayName).toBe('nana');
        expect(post.author.verifiedRealName).toBeNull();
      }
      expect(text).not.toContain('Li Na');
    });
  });

  it('a malformed viewer header is refused by the subgraph, and the response carries no real name', async () => {
    const { body, text } = await throughGateway(
      FEED_QUERY,
      { first: FEED_PAGE },
      { 'x-viewer-id': 'v', 'x-viewer-verified': 'maybe' },
      router,
    );
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const realName of REAL_NAMES) expect(text).not.toContain(realName);
  });
});

// How many times the gateway calls this subgraph for one feed page, and how many SQL queries that costs.
// The gateway's query planner makes one fetch per (entity path, set of inputs it must wait for): fields
// without @requires on nickname are fetched as soon as the posts subgraph answers, fields that @require the
// nickname only after the users subgraph answers, and User (feed.@.author) and Post (feed.@) are different
// paths. Whatever the planner splits, each fetch must stay ONE SQL query for the whole page.
describe(`one feed page of ${FEED_PAGE} posts through the gateway`, () => {
  it('asking only the authors’ displayName: one _entities fetch, one SQL query', async () => {
    const result = await throughGateway(
      'query($first: Int) { feed(first: $first) { id author { nickname displayName } } }',
      { first: FEED_PAGE },
      VERIFIED,
    );
    expect(result.body.errors).toBeUndefined();
    expect(result.identityFetches).toHaveLength(1);
    expect(result.identityFetches[0]).toMatch(
      /_entities\(representations:\$representations\)\{\.\.\.on User\{displayName\}\}/,
    );
    expect(result.accountQueries).toBe(1);
  });

  it('asking the authors’ displayName, verifiedRealName and identityLabel: two fetches, one query each', async () => {
    const result = await throughGateway(
      'query($first: Int) { feed(first: $first) { id author { nickname displayName verifiedRealName identityLabel { status } } } }',
      { first: FEED_PAGE },
      VERIFIED,
    );
    expect(result.body.errors).toBeUndefined();
    expect(result.identityFetches.map(typesAndFields).sort()).toEqual([
      'User{displayName}',
      'User{verifiedRealName identityLabel{status}}',
    ]);
    expect(result.accountQueries).toBe(2);
  });

  it('the full feed query (post and author fields): four fetches, one SQL query each', async () => {
    const result = await feedAs(VERIFIED);
    expect(result.identityFetches.every((query) => query.includes('_entities('))).toBe(true);
    expect(result.identityFetches.map(typesAndFields).sort()).toEqual([
      'Post{displayName}', // @requires(fields: "author { id nickname }"): after the users subgraph
      'Post{verifiedRealName}', // @requires(fields: "author { id }"): straight after the posts subgraph
      'User{displayName}', // @requires(fields: "nickname"): after the users subgraph
      'User{verifiedRealName identityLabel{status restricted}}', // no @requires: straight after posts
    ]);
    expect(result.accountQueries).toBe(4);
  });
});

// IP locations through the gateway: the posts' and their authors', recorded by the stand-in posts service
// through POST /ip-locations, shown to every kind of viewer (IP_LOCATION_VIEWERS defaults to anyone).
describe('IP locations through the gateway', () => {
  const LOCATION_QUERY =
    'query($first: Int) { feed(first: $first) { id ipLocation { label countryCode regionCode } author { id ipLocation { label } } } }';
  interface LocatedPost {
    id: string;
    ipLocation: { label: string; countryCode: string | null; regionCode: string | null } | null;
    author: { id: string; ipLocation: { label: string } | null };
  }
  /** Each post's label, and its author's: the latest post of each author is their first in the feed. */
  function expectedLabels(posts: LocatedPost[]) {
    const feedPosts = postsBy(users, FEED_PAGE, NOW);
    const latestByAuthor = new Map<string, string>();
    for (const post of feedPosts) if (!latestByAuthor.has(post.authorId)) latestByAuthor.set(post.authorId, post.ip);
    return posts.map((post) => {
      const sent = feedPosts.find((candidate) => candidate.id === post.id)!;
      return [LABELS[sent.ip], LABELS[latestByAuthor.get(sent.authorId)!]];
    });
  }
  const LABELS: Record<string, string> = {
    '223.5.5.5': '浙江',
    '202.96.128.86': '广东',
    '180.76.76.76': '北京',
    '203.198.7.66': '中国香港',
    '114.114.114.114': '江苏',
    '8.8.8.8': '美国',
    '61.220.0.1': '中国台湾',
    '240e:1::1': '黑龙江',
    '81.2.69.142': '英国',
    '192.168.1.1': '未知',
  };

  it.each([
    ['a verified viewer', VERIFIED],
    ['a signed-in viewer who is not verified', SIGNED_IN],
    ['an anonymous viewer', ANONYMOUS],
    ['an author looking at the feed', { 'x-viewer-id': 'demo-refused', 'x-viewer-verified': 'false' }],
  ])('%s sees where every post was made from, and each author’s latest', async (_viewer, headers) => {
    const result = await throughGateway(LOCATION_QUERY, { first: FEED_PAGE }, headers);
    expect(result.body.errors).toBeUndefined();
    const posts = result.body.data!.feed as LocatedPost[];
    expect(posts).toHaveLength(FEED_PAGE);
    expect(posts.map((post) => [post.ipLocation?.label, post.author.ipLocation?.label])).toEqual(expectedLabels(posts));
    expect(posts.find((post) => post.ipLocation?.label === '中国香港')?.ipLocation).toEqual({
      label: '中国香港',
      countryCode: 'HK',
      regionCode: null,
    });
    for (const ip of Object.keys(LABELS)) expect(result.text).not.toContain(ip);
  });

  it('the feed with locations and real names: one fetch per entity path and inputs, one SQL query per table each', async () => {
    const before = identity.queries.length;
    const result = await throughGateway(
      'query($first: Int) { feed(first: $first) { displayName ipLocation { label } author { nickname displayName verifiedRealName ipLocation { label } } } }',
      { first: FEED_PAGE },
      VERIFIED,
    );
    expect(result.body.errors).toBeUndefined();
    expect(result.identityFetches.map(typesAndFields).sort()).toEqual([
      'Post{displayName}',
      'Post{ipLocation{label}}', // no @requires: straight after the posts subgraph
      'User{displayName}',
      'User{verifiedRealName ipLocation{label}}',
    ]);
    const selects = identity.queries.slice(before).filter((sql) => /^\s*SELECT\b/i.test(sql));
    expect(selects.filter((sql) => /post_ip_locations/.test(sql))).toHaveLength(1);
    expect(selects.filter((sql) => /user_ip_locations/.test(sql))).toHaveLength(1);
    expect(result.accountQueries).toBe(3); // Post{displayName}, User{displayName}, User{verifiedRealName ...}
  });
});

// Credentials and MCN agencies through both routers: Post.professionalLabel needs the post's category and author
// from the posts subgraph (@requires), the User fields only the key; every fetch reads each kind of data once.
// (One mayPublishIn only: this subgraph runs with MAX_ALIASES at 1.)
describe.each<Router>(['Apollo Gateway', 'Hive Gateway'])('professional labels through %s', (router) => {
  const LABELS_QUERY = `query($first: Int) { feed(first: $first) {
    id category professionalLabel
    author { id qualifications { field label } mayPublishIn(field: MEDICAL) mcnAgency { label } }
  } }`;
  interface LabelledPost {
    id: string;
    category: string;
    professionalLabel: string | null;
    author: {
      id: string;
      qualifications: { field: string; label: string }[];
      mayPublishIn: boolean;
      mcnAgency: { label: string } | null;
    };
  }
  /** What each demo author's posts and profile show (src/demo/demo-data.ts, examples/platform-data.ts). */
  const EXPECTED: Record<string, Omit<LabelledPost['author'], 'id'> & { post: string | null }> = {
    'demo-disclosed': {
      post: null,
      qualifications: [],
      mayPublishIn: false,
      mcnAgency: { label: 'MCN机构：星河文化传媒' },
    },
    'demo-organization': { post: null, qualifications: [], mayPublishIn: false, mcnAgency: null },
    // Category "Finance": matched regardless of case.
    'demo-notice': {
      post: '金融：证券从业资格',
      qualifications: [{ field: 'FINANCE', label: '金融：证券从业资格' }],
      mayPublishIn: false,
      mcnAgency: null,
    },
    // Category "law", but the licence expired ten days ago: no label.
    'demo-refused': { post: null, qualifications: [], mayPublishIn: false, mcnAgency: null },
    'demo-deadline-passed': {
      post: '医疗卫生：执业医师',
      qualifications: [{ field: 'MEDICAL', label: '医疗卫生：执业医师' }],
      mayPublishIn: true,
      mcnAgency: null,
    },
    'demo-unverified': { post: null, qualifications: [], mayPublishIn: false, mcnAgency: null },
    'demo-small': { post: null, qualifications: [], mayPublishIn: false, mcnAgency: { label: 'MCN机构：青禾MCN' } },
    // A teacher posting on technology: the profile shows the credential, the posts no label.
    'demo-voluntary': {
      post: null,
      qualifications: [{ field: 'EDUCATION', label: '教育：教师资格证' }],
      mayPublishIn: false,
      mcnAgency: null,
    },
  };

  it.each([
    ['a verified viewer', VERIFIED],
    ['an anonymous viewer', ANONYMOUS],
  ])('%s sees every post’s credential label and every author’s credentials and agency', async (_viewer, headers) => {
    const result = await throughGateway(LABELS_QUERY, { first: FEED_PAGE }, headers, router);
    expect(result.body.errors).toBeUndefined();
    const posts = result.body.data!.feed as LabelledPost[];
    expect(posts).toHaveLength(FEED_PAGE);
    for (const post of posts) {
      const { post: label, ...author } = EXPECTED[post.author.id]!;
      expect({ id: post.id, label: post.professionalLabel, author: post.author }).toEqual({
        id: post.id,
        label,
        author: { id: post.author.id, ...author },
      });
    }
  });

  it('reads the credentials and the agencies of the whole page with one query each per request', async () => {
    const before = identity.queries.length;
    const result = await throughGateway(LABELS_QUERY, { first: FEED_PAGE }, VERIFIED, router);
    expect(result.body.errors).toBeUndefined();
    // Apollo Gateway sends a Post fetch (the label, after the posts subgraph gave the category) and a User
    // fetch (the profile); Hive Gateway may send the two in one request. Each request reads each kind once.
    if (router === 'Apollo Gateway') {
      expect(result.identityFetches.map(typesAndFields).sort()).toEqual([
        'Post{professionalLabel}',
        'User{qualifications{field label}mayPublishIn(field:MEDICAL)mcnAgency{label}}',
      ]);
    }
    const asking = (pattern: RegExp) => result.identityFetches.filter((query) => pattern.test(query)).length;
    expect(professionalSelects(identity.queries.slice(before))).toEqual({
      qualifications: asking(/professionalLabel|qualifications|mayPublishIn/),
      mcnAgencies: asking(/mcnAgency/),
    });
  });
});

describe('Hive Gateway', () => {
  it('merges the fetches that fall due together into one request of `_entities` aliases, which the subgraph takes', async () => {
    // Two feeds side by side, asking different fields: their fetches to this subgraph fall due together.
    const query = `query($first: Int) {
      latest: feed(first: $first) { id author { id identityLabel { status } } }
      again: feed(first: $first) { id author { id verifiedRealName } }
    }`;
    const result = await throughGateway(query, { first: 5 }, VERIFIED, 'Hive Gateway');
    expect(result.body.errors).toBeUndefined();
    expect(result.body.errors).toBeUndefined();
    // One request with two `_entities` aliases, though the subgraph runs with MAX_ALIASES at 1.
    expect(result.identityFetches).toHaveLength(1);
    expect(result.identityFetches[0]).toMatch(/_v0__entities:_entities\(.*_v1__entities:_entities\(/);
    const data = result.body.data as Record<'latest' | 'again', { author: Record<string, unknown> }[]>;
    expect(data.latest.map((post) => post.author.identityLabel)).toContainEqual({ status: 'DISCLOSED' });
    expect(data.again.map((post) => post.author.verifiedRealName)).toContain('Zhang Wei');
  });

  it('answers a feed exactly as Apollo Gateway does', async () => {
    const apollo = await feedAs(VERIFIED, 'Apollo Gateway');
    const hive = await feedAs(VERIFIED, 'Hive Gateway');
    expect(hive.posts).toEqual(apollo.posts);
  });
});

it('a caller without the router secret is refused by the subgraph itself', async () => {
  const response = await identity.post({ query: '{ disclosurePolicy { name } }' });
  expect(response.status).toBe(401);
});

/** 'query X($representations:...){_entities(...){...on User{displayName}}}' -> 'User{displayName}' */
function typesAndFields(query: string): string {
  return query.replace(/^.*?_entities\(representations:\$representations\)\{\.\.\.on /, '').replace(/\}\}$/, '');
}

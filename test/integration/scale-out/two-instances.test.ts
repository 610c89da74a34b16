// The deployment of docs/scale-out.md, end to end: two instances of the subgraph behind a load balancer and
// Apollo Gateway, reading from a real replica, their row caches on with a long TTL and kept true by the
// change feed on a real Redis. A withdrawn name is hidden on the other instance within a second; a replica or
// Redis stopped under load fails no request and shows no withdrawn name.
import { composeSupergraph, localSubgraphs } from '../../../examples/supergraph';
import { startGateway } from '../../../examples/gateway';
import { DEMO_USERS, postsBy } from '../../../examples/platform-data';
import { startPostsSubgraph } from '../../../examples/posts-subgraph';
import type { RunningServer } from '../../../examples/serve';
import { startUsersSubgraph } from '../../../examples/users-subgraph';
import { accountsInEveryStatus, NOW } from '../../support/every-status';
import { insertAccounts } from '../../support/factories';
import { usePrivateRedis } from '../../support/private-redis';
import { useReplicatedMariaDb } from '../../support/replicated-mariadb';
import { startRoundRobinProxy, type RoundRobinProxy } from '../../support/round-robin-proxy';
import { startTestServer, userRef, VERIFIED_VIEWER, type TestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';
import { waitUntil } from '../../support/wait-until';

const ROUTER_SECRET = 'a-router-secret-for-the-tests';
const FEED_PAGE = 50;
const READERS = 6;
const FEED = `query { feed(first: ${FEED_PAGE}) { id author { id verifiedRealName identityLabel { status } } } }`;
const WITHDRAW = 'mutation { setRealNameConsent(consent: false) { status } }';
const FIELDS = '... on User { id verifiedRealName }';

const pair = useReplicatedMariaDb();
const redis = usePrivateRedis();
let instanceA: TestServer;
let instanceB: TestServer;
let balancer: RoundRobinProxy;
let gatewayUrl = '';
let replica = '';

beforeAll(async () => {
  const database = await pair.createDatabase();
  replica = new URL(pair.replicaUrl()).host;
  const env = {
    DATABASE_URL: pair.primaryUrl(database),
    DATABASE_REPLICA_URLS: pair.replicaUrl(database),
    REDIS_URL: redis.url,
    ACCOUNT_CACHE_TTL_MS: '600000', // long: only the change feed can make a withdrawal visible in time
    REPLICA_MAX_LAG_SECONDS: '1',
    ROUTER_SECRET,
    NOTIFY_INTERVAL_SECONDS: '0',
  };
  instanceA = await startTestServer(env, NOW);
  onTeardown(() => instanceA.close());
  await insertAccounts(instanceA.app.dataSource, Object.values(accountsInEveryStatus));
  instanceB = await startTestServer(env, NOW);
  onTeardown(() => instanceB.close());
  await pair.waitForReplica();

  balancer = await startRoundRobinProxy([instanceA.app.url, instanceB.app.url]);
  onTeardown(() => balancer.close());
  const users = await startUsersSubgraph(DEMO_USERS, 0);
  const posts = await startPostsSubgraph(postsBy(DEMO_USERS, FEED_PAGE, NOW), 0);
  const { supergraphSdl } = composeSupergraph(
    localSubgraphs({ identity: `${balancer.url}/graphql`, users: users.url, posts: posts.url }),
  );
  const gateway: RunningServer = await startGateway({ supergraphSdl, port: 0, routerSecret: ROUTER_SECRET });
  gatewayUrl = gateway.url;
  onTeardown(async () => {
    for (const server of [gateway, posts, users]) await server.close();
  });
});

type FeedPost = { author: { id: string; verifiedRealName: string | null } };

async function feed(): Promise<{ posts?: FeedPost[]; failure?: string }> {
  try {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...VERIFIED_VIEWER },
      body: JSON.stringify({ query: FEED }),
    });
    const body = (await response.json()) as { data?: { feed: FeedPost[] }; errors?: unknown[] };
    if (response.status !== 200 || body.errors !== undefined || body.data === undefined) {
      return { failure: `${response.status} ${JSON.stringify(body.errors)}` };
    }
    return { posts: body.data.feed };
  } catch (error) {
    return { failure: String(error) };
  }
}

/** The real name each instance shows for the account (directly, not through the balancer). */
async function shownBy(server: TestServer, userId: string): Promise<string | null> {
  const body = await server.entities([userRef(userId)], FIELDS, {
    ...VERIFIED_VIEWER,
    'router-authorization': ROUTER_SECRET,
  });
  expect(body.errors).toBeUndefined();
  return (body.data?._entities as { verifiedRealName: string | null }[])[0]!.verifiedRealName;
}

async function withdrawThrough(server: TestServer, userId: string): Promise<void> {
  const { body } = await server.post(
    { query: WITHDRAW },
    { 'x-viewer-id': userId, 'router-authorization': ROUTER_SECRET },
  );
  expect(body.errors).toBeUndefined();
  expect(body.data?.setRealNameConsent).not.toEqual({ status: 'DISCLOSED' });
}

/** Ms from `since` until `server` stops showing the account's name, asking every 5 ms. */
async function msUntilHidden(server: TestServer, userId: string, since: number, withinMs: number): Promise<number> {
  await waitUntil(
    async () => (await shownBy(server, userId)) === null,
    `${userId} hidden`,
    withinMs - (Date.now() - since),
    5,
  );
  return Date.now() - since;
}

const until = (condition: () => Promise<boolean>, what: string, withinMs = 15_000) =>
  waitUntil(condition, what, withinMs, 50);

async function ready(server: TestServer): Promise<{ changeFeed: string; replicas: { inRotation: boolean }[] }> {
  return (await (await fetch(`${server.app.url}/ready`)).json()) as never;
}

/**
 * Feed pages through the gateway from READERS clients until stopped; every page is checked: a failed request,
 * or a name shown after its withdrawal was confirmed as hidden everywhere (`withdrawn`), is recorded.
 */
function feedLoad(withdrawn: Set<string>) {
  let stopped = false;
  const outcome = { pages: 0, failures: [] as string[], withdrawnShown: [] as string[] };
  const reader = async () => {
    while (!stopped) {
      const { posts, failure } = await feed();
      if (failure !== undefined) outcome.failures.push(failure);
      else outcome.pages += 1;
      for (const post of posts ?? []) {
        if (withdrawn.has(post.author.id) && post.author.verifiedRealName !== null) {
          outcome.withdrawnShown.push(post.author.id);
        }
      }
    }
  };
  const readers = Array.from({ length: READERS }, reader);
  return async () => {
    stopped = true;
    await Promise.all(readers);
    return outcome;
  };
}

it('serves the feed through both instances, reading on the replica', async () => {
  const before = instanceA.accountQueries(replica).length + instanceB.accountQueries(replica).length;
  for (let page = 0; page < 4; page += 1) expect((await feed()).failure).toBeUndefined();
  expect(balancer.sent[0]).toBeGreaterThan(0);
  expect(balancer.sent[1]).toBeGreaterThan(0);
  expect(instanceA.accountQueries(replica).length + instanceB.accountQueries(replica).length).toBeGreaterThan(before);
  expect(instanceA.accountQueries('primary').filter((sql) => /IN \(/.test(sql))).toEqual([]);
});

it('a consent withdrawn through instance A is hidden on instance B within a second', async () => {
  expect(await shownBy(instanceB, 'demo-voluntary')).not.toBeNull(); // cached on B, for ten minutes
  const since = Date.now();
  await withdrawThrough(instanceA, 'demo-voluntary');
  const ms = await msUntilHidden(instanceB, 'demo-voluntary', since, 1000);
  process.stdout.write(`two instances: withdrawal through A hidden on B after ${ms} ms\n`);
  // and through the gateway, whichever instance answers: none of the author's posts shows the name
  const shown = (await feed()).posts!.filter((post) => post.author.id === 'demo-voluntary');
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.map((post) => post.author.verifiedRealName)).toEqual(shown.map(() => null));
});

it('a replica stopped under load fails no request; reads move to the primary and back', async () => {
  const stopLoad = feedLoad(new Set(['demo-voluntary']));
  await new Promise((resolve) => setTimeout(resolve, 500));
  await pair.stopReplica();
  await until(async () => !(await ready(instanceA)).replicas[0]!.inRotation, 'replica out of rotation on A');
  await until(async () => !(await ready(instanceB)).replicas[0]!.inRotation, 'replica out of rotation on B');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await pair.startReplica();
  await pair.waitForReplica();
  await until(async () => (await ready(instanceA)).replicas[0]!.inRotation, 'replica back on A');
  await until(async () => (await ready(instanceB)).replicas[0]!.inRotation, 'replica back on B');
  const outcome = await stopLoad();
  process.stdout.write(`replica stopped under load: ${outcome.pages} feed pages, ${outcome.failures.length} failed\n`);
  expect(outcome.failures).toEqual([]);
  expect(outcome.withdrawnShown).toEqual([]);
  expect(outcome.pages).toBeGreaterThan(0);
});

it('Redis stopped under load fails no request, and a withdrawal made meanwhile is hidden at once', async () => {
  const withdrawn = new Set(['demo-voluntary']);
  const stopLoad = feedLoad(withdrawn);
  expect(await shownBy(instanceB, 'demo-disclosed')).not.toBeNull(); // cached on B
  await new Promise((resolve) => setTimeout(resolve, 300));
  await redis.stop();
  await until(async () => (await ready(instanceB)).changeFeed === 'down', 'change feed down on B', 5000);
  // The change cannot be told now; B, not trusting its cache without the feed, reads the database.
  const since = Date.now();
  await withdrawThrough(instanceA, 'demo-disclosed');
  await pair.waitForReplica();
  const ms = await msUntilHidden(instanceB, 'demo-disclosed', since, 1000);
  withdrawn.add('demo-disclosed');
  process.stdout.write(`Redis down: withdrawal through A hidden on B after ${ms} ms\n`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await redis.start();
  await until(async () => (await ready(instanceA)).changeFeed === 'subscribed', 'change feed back on A');
  await until(async () => (await ready(instanceB)).changeFeed === 'subscribed', 'change feed back on B');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const outcome = await stopLoad();
  process.stdout.write(`Redis stopped under load: ${outcome.pages} feed pages, ${outcome.failures.length} failed\n`);
  expect(outcome.failures).toEqual([]);
  expect(outcome.withdrawnShown).toEqual([]);
  // With the feed back, the cache serves again (once the replica's settle window after "everything changed"
  // has passed): a repeated read costs no query.
  await until(
    async () => {
      await shownBy(instanceB, 'demo-small');
      const before = instanceB.accountQueries().length;
      await shownBy(instanceB, 'demo-small');
      return instanceB.accountQueries().length === before;
    },
    'the cache serving again on B',
    5000,
  );
});

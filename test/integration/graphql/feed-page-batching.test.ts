// A feed page of 100 posts and their authors, asking every identity label this subgraph serves: the real
// names, the IP locations, the credentials and the MCN agencies. Each kind of data costs ONE query for the
// whole page, and a kind nobody asks for costs none.
import { anAccount } from '../../support/factories';
import { postIpLocations, WRITER_SECRET } from '../../support/ip-locations';
import { aCredential, professionalSelects, storeAgencies, storeCredentials } from '../../support/professional';
import { userRef, useTestServer } from '../../support/server';

const NOW = new Date('2026-11-25T12:00:00Z');
const PAGE = 100;
const AUTHORS = 40;
const authors = Array.from({ length: AUTHORS }, (_, index) => `author-${index}`);
const CATEGORIES = ['health', 'finance', 'travel', 'law', 'Education'];
const posts = Array.from({ length: PAGE }, (_, index) => ({
  id: `post-${index}`,
  authorId: authors[index % AUTHORS]!,
  category: CATEGORIES[index % CATEGORIES.length]!,
}));

const server = useTestServer({
  now: NOW,
  env: { IP_LOCATION_WRITER_SECRET: WRITER_SECRET },
  accounts: authors.map((userId, index) => anAccount({ userId, followerCount: index % 2 === 0 ? 2_000_000 : 10 })),
});

beforeAll(async () => {
  const records = posts.map((post, index) => ({
    postId: post.id,
    userId: post.authorId,
    ip: index % 2 === 0 ? '223.5.5.5' : '8.8.8.8',
    at: new Date(NOW.getTime() - index * 60_000).toISOString(),
  }));
  expect((await postIpLocations(server, { records })).status).toBe(200);
  await storeCredentials(
    server.app.dataSource,
    authors.flatMap((userId, index) => [
      aCredential({ userId, field: 'MEDICAL', title: '执业医师' }),
      ...(index % 3 === 0 ? [aCredential({ userId, field: 'LAW', title: '律师执业证' })] : []),
    ]),
  );
  await storeAgencies(
    server.app.dataSource,
    authors.filter((_, index) => index % 4 === 0).map((userId) => ({ userId, agency: '星河文化传媒', since: null })),
  );
});

const pageRepresentations = () => [
  ...posts.map((post) => ({
    __typename: 'Post',
    id: post.id,
    author: { id: post.authorId, nickname: `nick-${post.authorId}` },
    category: post.category,
  })),
  ...authors.map((userId) => userRef(userId)),
];

/** The SELECTs of each kind of data the service sent while `run` ran. */
async function selectsOf(run: () => Promise<unknown>) {
  const before = server.queries.length;
  await run();
  const sent = server.queries.slice(before).filter((sql) => /^\s*SELECT\b/i.test(sql));
  return {
    accounts: sent.filter((sql) => /\bFROM accounts\b/.test(sql)).length,
    postLocations: sent.filter((sql) => /\bpost_ip_locations\b/.test(sql)).length,
    userLocations: sent.filter((sql) => /\buser_ip_locations\b/.test(sql)).length,
    ...professionalSelects(sent),
  };
}

const EVERY_LABEL = `
  ... on Post { id displayName verifiedRealName ipLocation { label } professionalLabel }
  ... on User { id displayName identityLabel { status } ipLocation { label }
                qualifications { label } medical: mayPublishIn(field: MEDICAL) mcnAgency { label } }`;

it(`a page of ${PAGE} posts and their ${AUTHORS} authors asking every label: one query per kind of data`, async () => {
  let body: Awaited<ReturnType<typeof server.entities>> = {};
  const selects = await selectsOf(async () => {
    body = await server.entities(pageRepresentations(), EVERY_LABEL);
  });
  expect(body.errors).toBeUndefined();
  expect(selects).toEqual({ accounts: 1, postLocations: 1, userLocations: 1, qualifications: 1, mcnAgencies: 1 });
  const entities = body.data!._entities as any[];
  expect(entities.slice(0, 5).map((post) => post.professionalLabel)).toEqual([
    '医疗卫生：执业医师', // author-0, health
    null, // author-1, finance: no credential in finance
    null, // travel is in no field
    '司法：律师执业证', // author-3, law
    null, // author-4, Education: none
  ]);
  const author0 = entities[PAGE]!;
  expect(author0).toMatchObject({
    id: 'author-0',
    qualifications: [{ label: '医疗卫生：执业医师' }, { label: '司法：律师执业证' }],
    medical: true,
    mcnAgency: { label: 'MCN机构：星河文化传媒' },
  });
  expect(entities[PAGE + 1]).toMatchObject({ id: 'author-1', mcnAgency: null });
});

it('the same page asking no professional label: no query of credentials or agencies', async () => {
  const selects = await selectsOf(() =>
    server.entities(
      pageRepresentations(),
      '... on Post { id displayName ipLocation { label } } ... on User { id identityLabel { status } }',
    ),
  );
  expect(selects).toMatchObject({ qualifications: 0, mcnAgencies: 0 });
});

it('asking only the posts’ labels reads the credentials once, and no agency', async () => {
  const selects = await selectsOf(() => server.entities(pageRepresentations(), '... on Post { professionalLabel }'));
  expect(selects).toMatchObject({ qualifications: 1, mcnAgencies: 0 });
});

it('posts whose categories are in no field need no credential read at all', async () => {
  const travel = posts.map((post) => ({
    __typename: 'Post',
    id: post.id,
    author: { id: post.authorId },
    category: 'travel',
  }));
  let body: Awaited<ReturnType<typeof server.entities>> = {};
  const selects = await selectsOf(async () => {
    body = await server.entities(travel, '... on Post { professionalLabel }');
  });
  expect(selects).toMatchObject({ qualifications: 0 });
  expect((body.data!._entities as any[]).every((post) => post.professionalLabel === null)).toBe(true);
});

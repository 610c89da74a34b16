// The heart of the product: however many references a request carries, the accounts are read in ONE query.
import { anAccount } from '../../support/factories';
import { startTestServer, userRef, useTestServer, type TestServer } from '../../support/server';

const FIELDS =
  '... on User { id displayName verifiedRealName identityLabel { status restricted } } ... on Post { id displayName verifiedRealName }';

const ACCOUNT_COUNT = 1200;
const ids = Array.from({ length: ACCOUNT_COUNT }, (_, index) => `batch-${index}`);

const server = useTestServer({
  accounts: ids.map((userId, index) =>
    anAccount({
      userId,
      realName: `Name ${index}`,
      followerCount: index % 3 === 0 ? 2_000_000 : 10,
      consent: index % 3 === 0 ? 'YES' : 'NONE',
    }),
  ),
});

async function countAccountQueries(run: () => Promise<unknown>): Promise<number> {
  const before = server.accountQueries().length;
  await run();
  return server.accountQueries().length - before;
}

describe.each([1, 100, 1000])('%i User representations', (size) => {
  it('are answered with exactly one account query, in key order', async () => {
    const wanted = ids.slice(0, size).reverse(); // an order the database would not return by itself
    let entities: { id: string; verifiedRealName: string | null }[] = [];
    const queries = await countAccountQueries(async () => {
      const body = await server.entities(
        wanted.map((id) => userRef(id)),
        FIELDS,
      );
      expect(body.errors).toBeUndefined();
      entities = body.data?._entities as typeof entities;
    });
    expect(queries).toBe(1);
    expect(entities.map((entity) => entity.id)).toEqual(wanted);
    for (const entity of entities) {
      const index = Number(entity.id.split('-')[1]);
      expect(entity.verifiedRealName).toBe(index % 3 === 0 ? `Name ${index}` : null);
    }
  });
});

it('Users and Posts in one request share the one query, and duplicates are asked once', async () => {
  const representations = [
    userRef('batch-0'),
    { __typename: 'Post', id: 'post-1', author: { id: 'batch-0', nickname: 'n0' } },
    userRef('batch-1'),
    { __typename: 'Post', id: 'post-2', author: { id: 'batch-3', nickname: 'n3' } },
    userRef('batch-0'),
    userRef('unknown-id'),
  ];
  const queriesBefore = server.accountQueries().length;
  const body = await server.entities(representations, FIELDS);
  const queries = server.accountQueries().slice(queriesBefore);
  expect(body.errors).toBeUndefined();
  expect(queries).toHaveLength(1);
  // batch-0, batch-1, batch-3, unknown-id: four distinct ids, four placeholders.
  expect(queries[0]?.match(/\?/g)).toHaveLength(4);
  expect((body.data?._entities as { displayName: string }[]).map((entity) => entity.displayName)).toEqual([
    'nick-batch-0 (Name 0)',
    'n0 (Name 0)',
    'nick-batch-1',
    'n3 (Name 3)',
    'nick-batch-0 (Name 0)',
    'nick-unknown-id',
  ]);
});

it('each request reads afresh: nothing is cached from one request to the next', async () => {
  const queries = await countAccountQueries(async () => {
    await server.entities([userRef('batch-5')], FIELDS);
    await server.entities([userRef('batch-5')], FIELDS);
  });
  expect(queries).toBe(2);
});

describe('with a smaller MAX_IN_LIST', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ DATABASE_URL: server.databaseUrl, MAX_IN_LIST: '100', RUN_MIGRATIONS: 'false' });
  });
  afterAll(async () => {
    await small?.close();
  });

  it('a request over the limit is split into IN lists of at most that size', async () => {
    const body = await small.entities(
      ids.slice(0, 250).map((id) => userRef(id)),
      FIELDS,
    );
    expect(body.errors).toBeUndefined();
    expect((body.data?._entities as unknown[]).length).toBe(250);
    // The three queries run at once, on whichever pool connection is ready first: compare them unordered.
    const placeholders = small.accountQueries().map((sql) => (sql.match(/\?/g) ?? []).length);
    expect(placeholders.sort((a, b) => a - b)).toEqual([50, 100, 100]);
  });
});

it('a document answered before whose new answer has an error still reads the accounts once', async () => {
  await server.entities([userRef(ids[0]!)], FIELDS); // known from now on (src/graphql/known-operations.ts)
  let errors: unknown[] | undefined;
  const queries = await countAccountQueries(async () => {
    const body = await server.entities([{ __typename: 'User' }, userRef(ids[3]!), userRef(ids[4]!)], FIELDS);
    errors = body.errors;
  });
  // The compiled answer had an error: Apollo answered again, in graphql-js's words, from the rows already read.
  expect(errors).toHaveLength(1);
  expect(queries).toBe(1);
});

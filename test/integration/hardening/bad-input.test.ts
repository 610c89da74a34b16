// Bad input gets a clear error for that item; the others still resolve; nothing crashes or leaks.
import { anAccount } from '../../support/factories';
import { USER_FIELDS, userRef, VERIFIED_VIEWER, useTestServer } from '../../support/server';

const server = useTestServer({
  accounts: [anAccount({ userId: 'good', realName: 'Huang Zhong', followerCount: 5, consent: 'YES' })],
});

const good = () => userRef('good', 'g');

it.each([
  ['a lone surrogate', 'ab\ud800c', /well-formed Unicode/],
  ['a control character', 'ab\u0000c', /control characters/],
  ['an object', { nested: true }, /must be a string, got object/],
  ['a trailing space (MySQL would match "good")', 'good ', /must not start or end with white space/],
  ['null', null, /must be a string, got null/],
])('an id with %s is an error for that item only, and the others share one query', async (_case, id, message) => {
  const before = server.accountQueries().length;
  const body = await server.entities([userRef(id, 'bad'), good()], USER_FIELDS);
  expect(body.errors).toHaveLength(1);
  expect(body.errors?.[0]).toMatchObject({ path: ['_entities', 0], extensions: { code: 'BAD_USER_INPUT' } });
  expect(body.errors?.[0]?.message).toMatch(message);
  expect((body.data?._entities as unknown[])[1]).toMatchObject({ verifiedRealName: 'Huang Zhong' });
  expect(server.accountQueries().length - before).toBe(1);
});

it('an SQL-looking id is just an id nobody has', async () => {
  const body = await server.entities(
    [userRef("good' OR '1'='1", 'x'), userRef('1; DROP TABLE accounts; --', 'y')],
    USER_FIELDS,
  );
  expect(body.errors).toBeUndefined();
  expect((body.data?._entities as { identityLabel: { status: string } }[]).map((e) => e.identityLabel.status)).toEqual([
    'NOT_SUBJECT',
    'NOT_SUBJECT',
  ]);
  expect(await server.app.dataSource.query('SELECT COUNT(*) AS n FROM accounts')).toEqual([{ n: '1' }]);
});

it('a representation of an unknown type, or without a type, is an error for that item', async () => {
  const body = await server.entities([{ __typename: 'Comment', id: 'c1' }, { id: 'no-type' }, good()], USER_FIELDS);
  expect(body.errors?.map((error) => error.path)).toEqual([
    ['_entities', 0],
    ['_entities', 1],
  ]);
  expect(body.errors?.[0]?.message).toBe(
    'representation 0 has __typename "Comment", which is not an entity of this subgraph',
  );
  expect(body.errors?.[1]?.message).toBe('representation 1 has no __typename');
  expect((body.data?._entities as unknown[])[2]).toMatchObject({ id: 'good' });
});

it('a User representation without an id is an error for that item', async () => {
  const body = await server.entities([{ __typename: 'User', nickname: 'n' }, good()], USER_FIELDS);
  expect(body.errors?.[0]).toMatchObject({ path: ['_entities', 0], extensions: { code: 'BAD_USER_INPUT' } });
  expect(body.errors?.[0]?.message).toMatch(/"id" must be a string, got undefined/);
});

it('malformed JSON is a 400 that says so', async () => {
  const response = await fetch(`${server.app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query": "{ disclosurePolicy { name } }",',
  });
  expect(response.status).toBe(400);
  expect(await response.text()).toMatch(/JSON/i);
});

it('a variable of the wrong type is a 400 naming the variable', async () => {
  const response = await server.post(
    {
      query: 'mutation($consent: Boolean!) { setRealNameConsent(consent: $consent) { status } }',
      variables: { consent: 'yes' },
    },
    VERIFIED_VIEWER,
  );
  expect(response.status).toBe(400);
  expect(response.body.errors?.[0]?.message).toMatch(/\$consent.*Boolean/);
});

it('a bad consent argument is a clear error', async () => {
  const response = await server.post(
    { query: 'mutation { setRealNameConsent(consent: "yes") { status } }' },
    VERIFIED_VIEWER,
  );
  expect(response.status).toBe(400);
  expect(response.body.errors?.[0]?.message).toMatch(/Boolean/);
});

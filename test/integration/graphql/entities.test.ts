// The subgraph as the router sees it: _entities over HTTP, against a real MySQL database.
import { accountsInEveryStatus, daysAgo, EXPANDED_STAGE_ID, NOW } from '../../support/every-status';
import { anAccount, daysAfter } from '../../support/factories';
import { plainRealNames, textOf } from '../../support/real-names';
import { USER_FIELDS, userRef, VERIFIED_VIEWER, useTestServer } from '../../support/server';

const accounts = {
  ...accountsInEveryStatus,
  hovering: anAccount({
    userId: 'hovering',
    realName: 'Zhou Min',
    followerCount: 460_000,
    notifiedAt: daysAgo(3),
    notifiedStageId: EXPANDED_STAGE_ID,
  }),
};
const REAL_NAMES = Object.values(accounts).map((account) => textOf(account.realName, plainRealNames)!);

const server = useTestServer({ now: NOW, accounts: Object.values(accounts) });

beforeEach(() => {
  server.now = NOW;
});

type Person = keyof typeof accounts;
const idOf = (person: Person) => accounts[person].userId;

/** The entity of one account (or of an id never seen), with `nick-<person>` as its nickname. */
async function labelOf(person: Person | 'never-seen', headers: Record<string, string> = VERIFIED_VIEWER) {
  const userId = person === 'never-seen' ? person : idOf(person);
  const body = await server.entities([userRef(userId, `nick-${person}`)], USER_FIELDS, headers);
  expect(body.errors).toBeUndefined();
  const [entity] = body.data?._entities as [Record<string, any>];
  return entity;
}

describe('every status, as a verified viewer sees it', () => {
  it('an account under the threshold shows its nickname', async () => {
    expect(await labelOf('small')).toMatchObject({
      displayName: 'nick-small',
      verifiedRealName: null,
      identityLabel: { status: 'NOT_SUBJECT', realName: null, restricted: false, stage: null },
    });
  });

  it('a disclosed account shows "nickname (real name)" and its stage', async () => {
    expect(await labelOf('disclosed')).toMatchObject({
      displayName: 'nick-disclosed (Zhang Wei)',
      verifiedRealName: 'Zhang Wei',
      identityLabel: {
        status: 'DISCLOSED',
        realName: 'Zhang Wei',
        stage: { name: 'initial' },
        disclosedSince: daysAgo(35).toISOString(),
      },
    });
  });

  it('an organization shows its registered organization name', async () => {
    expect(await labelOf('organization')).toMatchObject({
      displayName: 'nick-organization (Hangzhou Evening News Media Co., Ltd.)',
      identityLabel: { status: 'DISCLOSED', subjectKind: 'ORGANIZATION' },
    });
  });

  it('an account in its notice period shows its nickname and the deadline', async () => {
    expect(await labelOf('notice')).toMatchObject({
      displayName: 'nick-notice',
      verifiedRealName: null,
      identityLabel: {
        status: 'NOTICE',
        realName: null,
        stage: { name: 'expanded' },
        noticeDeadline: daysAfter(daysAgo(2), 9).toISOString(),
        restricted: false,
      },
    });
  });

  it('an account that refused is restricted and shows its nickname', async () => {
    expect(await labelOf('refused')).toMatchObject({
      displayName: 'nick-refused',
      verifiedRealName: null,
      identityLabel: { status: 'REFUSED', restricted: true },
    });
  });

  it('a subject account without a verified name is UNVERIFIED and restricted after its deadline', async () => {
    expect(await labelOf('unverified')).toMatchObject({
      displayName: 'nick-unverified',
      identityLabel: { status: 'UNVERIFIED', restricted: true, realName: null },
    });
  });

  it('an account under the threshold that chose to disclose shows its name', async () => {
    expect(await labelOf('voluntary')).toMatchObject({
      displayName: 'nick-voluntary (Sun Li)',
      identityLabel: { status: 'DISCLOSED', stage: null },
    });
  });

  it('an id this service has never seen is NOT_SUBJECT, with no error', async () => {
    expect(await labelOf('never-seen')).toMatchObject({
      displayName: 'nick-never-seen',
      verifiedRealName: null,
      identityLabel: { status: 'NOT_SUBJECT', subjectKind: null },
    });
  });

  it('a notified account just under the minimum stays subject (hysteresis)', async () => {
    expect((await labelOf('hovering')).identityLabel).toMatchObject({ status: 'NOTICE', stage: { name: 'expanded' } });
  });
});

describe('transitions in time', () => {
  it('a notice turns REFUSED and restricted when its 9 days pass unanswered', async () => {
    server.now = daysAfter(daysAgo(2), 9 - 0.001);
    expect((await labelOf('notice')).identityLabel).toMatchObject({ status: 'NOTICE', restricted: false });
    server.now = daysAfter(daysAgo(2), 9);
    expect((await labelOf('notice')).identityLabel).toMatchObject({ status: 'REFUSED', restricted: true });
  });

  it('before the expanded stage started, a 720,000-follower account was not subject', async () => {
    server.now = new Date('2023-12-01T00:00:00Z');
    expect((await labelOf('notice')).identityLabel).toMatchObject({ status: 'NOT_SUBJECT' });
  });
});

describe('the viewer gate', () => {
  it('an anonymous viewer sees nicknames only, by default', async () => {
    expect(await labelOf('disclosed', {})).toMatchObject({
      displayName: 'nick-disclosed',
      verifiedRealName: null,
      identityLabel: { status: 'DISCLOSED', realName: null },
    });
  });

  it('a signed-in but unverified viewer sees nicknames only, by default', async () => {
    expect(await labelOf('disclosed', { 'x-viewer-id': 'v2' })).toMatchObject({
      displayName: 'nick-disclosed',
      verifiedRealName: null,
    });
  });

  it('the owner sees its own disclosed name without being verified', async () => {
    expect(await labelOf('disclosed', { 'x-viewer-id': idOf('disclosed') })).toMatchObject({
      verifiedRealName: 'Zhang Wei',
    });
  });

  it('the owner never sees a name that is not disclosed', async () => {
    expect(await labelOf('notice', { 'x-viewer-id': idOf('notice'), 'x-viewer-verified': 'true' })).toMatchObject({
      verifiedRealName: null,
      displayName: 'nick-notice',
    });
  });

  it('a malformed viewer header is a 400 that names the header', async () => {
    const response = await server.post(
      { query: '{ disclosurePolicy { name } }' },
      { 'x-viewer-id': 'v', 'x-viewer-verified': 'yes' },
    );
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.message).toMatch(/x-viewer-verified/);
  });

  it('no real name that is not due appears anywhere in a mixed response', async () => {
    const representations = Object.values(accounts).map((account) => userRef(account.userId));
    const { text } = await server.post(
      {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ${USER_FIELDS} } }`,
        variables: { r: representations },
      },
      VERIFIED_VIEWER,
    );
    const shown = REAL_NAMES.filter((name) => text.includes(name)).sort();
    expect(shown).toEqual(['Hangzhou Evening News Media Co., Ltd.', 'Sun Li', 'Zhang Wei']);
  });
});

describe('posts', () => {
  const POST_FIELDS = '... on Post { id displayName verifiedRealName }';

  it("a post shows its author's attribution", async () => {
    const body = await server.entities(
      [
        { __typename: 'Post', id: 'p1', author: { id: idOf('disclosed'), nickname: 'zw' } },
        { __typename: 'Post', id: 'p2', author: { id: idOf('refused'), nickname: 'wf' } },
      ],
      POST_FIELDS,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual([
      { id: 'p1', displayName: 'zw (Zhang Wei)', verifiedRealName: 'Zhang Wei' },
      { id: 'p2', displayName: 'wf', verifiedRealName: null },
    ]);
  });

  it('a post without its @requires author gets an error for that item only', async () => {
    const body = await server.entities(
      [
        { __typename: 'Post', id: 'p1' },
        { __typename: 'Post', id: 'p2', author: { id: idOf('disclosed'), nickname: 'zw' } },
      ],
      POST_FIELDS,
    );
    expect(body.errors?.[0]).toMatchObject({
      path: ['_entities', 0, 'displayName'],
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(body.errors?.[0]?.message).toMatch(/Post p1 .*author/);
    expect((body.data?._entities as unknown[])[1]).toEqual({
      id: 'p2',
      displayName: 'zw (Zhang Wei)',
      verifiedRealName: 'Zhang Wei',
    });
  });
});

describe('bad representations', () => {
  it.each([
    ['an empty id', '', /1-64 characters, got 0/],
    ['a 65-character id', 'x'.repeat(65), /1-64 characters, got 65/],
    ['a numeric id', 42, /must be a string, got number/],
  ])('%s is an error for that item; the others still resolve', async (_case, id, message) => {
    const body = await server.entities([userRef(id, 'bad'), userRef(idOf('disclosed'), 'zw')], USER_FIELDS);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['_entities', 0], extensions: { code: 'BAD_USER_INPUT' } });
    expect(body.errors?.[0]?.message).toMatch(message);
    expect((body.data?._entities as unknown[])[1]).toMatchObject({
      id: idOf('disclosed'),
      verifiedRealName: 'Zhang Wei',
    });
  });

  it('a User without its @requires nickname gets a clear error on displayName, never a real name', async () => {
    const response = await server.entities(
      [{ __typename: 'User', id: idOf('disclosed') }],
      '... on User { id displayName }',
    );
    expect(response.errors?.[0]?.message).toMatch(/User demo-disclosed representation has no nickname/);
    expect(JSON.stringify(response)).not.toContain('Zhang Wei');
  });
});

describe('the policy', () => {
  it('disclosurePolicy lists the seeded default stages by start date', async () => {
    const { body } = await server.post({
      query: '{ disclosurePolicy { name minFollowers categories effectiveFrom noticeDays mode } }',
    });
    expect(body.data?.disclosurePolicy).toEqual([
      {
        name: 'initial',
        minFollowers: 1_000_000,
        categories: null,
        effectiveFrom: '2023-10-30T16:00:00.000Z',
        noticeDays: 13,
        mode: 'CONSENT',
      },
      {
        name: 'expanded',
        minFollowers: 500_000,
        categories: null,
        effectiveFrom: '2023-12-21T16:00:00.000Z',
        noticeDays: 9,
        mode: 'CONSENT',
      },
    ]);
  });

  it('answering it costs no SQL query', async () => {
    const before = server.queries.length;
    await server.post({ query: '{ disclosurePolicy { name } }' });
    expect(server.queries.length).toBe(before);
  });
});

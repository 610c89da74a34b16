// User.qualifications, User.mcnAgency, User.mayPublishIn and Post.professionalLabel as the router asks for them,
// on MySQL: what a profile and a post show, decided when they are read (a credential disappears at the very
// instant of its expiresAt, with no job run), revocations and MCN moves seen by the next request, and the
// labels the same for every viewer.
import { PROFESSIONAL_FIELDS } from '../../../src/professional/qualification';
import { aCredential, storeAgencies, storeCredentials } from '../../support/professional';
import { startTestServer, userRef, useTestServer, VERIFIED_VIEWER, type TestServer } from '../../support/server';

const NOW = new Date('2026-11-25T12:00:00Z');
const EXPIRES = new Date('2026-12-01T00:00:00.000Z');
const server = useTestServer({ now: NOW });

const QUALIFICATIONS = 'qualifications { field title issuer label verifiedAt expiresAt }';
const MAY_PUBLISH = PROFESSIONAL_FIELDS.map((field) => `${field}: mayPublishIn(field: ${field})`).join(' ');

/** The server's clock, moved for one check. */
async function at<T>(time: Date, run: () => Promise<T>): Promise<T> {
  const before = server.now;
  server.now = time;
  try {
    return await run();
  } finally {
    server.now = before;
  }
}

async function user(
  userId: string,
  selection: string,
  headers: Record<string, string> = VERIFIED_VIEWER,
): Promise<any> {
  const body = await server.entities([userRef(userId)], `... on User { ${selection} }`, headers);
  expect(body.errors).toBeUndefined();
  return (body.data!._entities as any[])[0];
}

const mayPublish = async (userId: string) => {
  const { id: _id, ...fields } = await user(userId, `id ${MAY_PUBLISH}`);
  return fields as Record<string, boolean>;
};

const postRef = (id: string, authorId: string, category: unknown) => ({
  __typename: 'Post',
  id,
  author: { id: authorId },
  category,
});

beforeAll(async () => {
  await storeCredentials(server.app.dataSource, [
    aCredential({ userId: 'doctor', expiresAt: EXPIRES, verifiedAt: new Date('2025-06-01T00:00:00Z') }),
    aCredential({ userId: 'lawyer', field: 'LAW', title: '律师执业证', issuer: null }),
    aCredential({
      userId: 'expired',
      field: 'FINANCE',
      title: '证券从业资格',
      expiresAt: new Date('2026-11-01T00:00:00Z'),
    }),
    aCredential({ userId: 'revoked', field: 'LAW', title: '律师执业证' }),
    aCredential({
      userId: 'renewed',
      field: 'FINANCE',
      title: '基金从业资格',
      expiresAt: new Date('2026-01-01T00:00:00Z'),
    }),
    aCredential({ userId: 'two-fields', field: 'EDUCATION', title: '教师资格证' }),
    aCredential({ userId: 'two-fields', field: 'FINANCE', title: '证券从业资格' }),
  ]);
  await storeCredentials(server.app.dataSource, [
    { userId: 'revoked', field: 'LAW', title: '律师执业证', revoked: true },
    aCredential({
      userId: 'renewed',
      field: 'FINANCE',
      title: '基金从业资格',
      expiresAt: new Date('2028-01-01T00:00:00Z'),
    }),
  ]);
  await storeAgencies(server.app.dataSource, [
    { userId: 'lawyer', agency: '星河文化传媒', since: new Date('2026-01-01T00:00:00Z') },
  ]);
});

describe('User.qualifications', () => {
  it('lists what the profile shows, labelled, and never an internal id', async () => {
    const { qualifications } = await user('doctor', QUALIFICATIONS);
    expect(qualifications).toEqual([
      {
        field: 'MEDICAL',
        title: '执业医师',
        issuer: '国家卫生健康委员会',
        label: '医疗卫生：执业医师',
        verifiedAt: '2025-06-01T00:00:00.000Z',
        expiresAt: '2026-12-01T00:00:00.000Z',
      },
    ]);
  });

  it('shows a credential up to the millisecond before its expiresAt, and not at that instant', async () => {
    const justBefore = new Date(EXPIRES.getTime() - 1);
    expect((await at(justBefore, () => user('doctor', QUALIFICATIONS))).qualifications).toHaveLength(1);
    expect((await at(EXPIRES, () => user('doctor', QUALIFICATIONS))).qualifications).toEqual([]);
    expect((await at(new Date('2027-06-01T00:00:00Z'), () => user('doctor', QUALIFICATIONS))).qualifications).toEqual(
      [],
    );
  });

  it('is empty for an account with none, one whose credential expired, and one whose credential was revoked', async () => {
    for (const userId of ['nobody', 'expired', 'revoked'])
      expect((await user(userId, QUALIFICATIONS)).qualifications).toEqual([]);
  });

  it('shows a renewed credential with its new expiry, and several credentials in the profile order', async () => {
    expect((await user('renewed', 'qualifications { label expiresAt }')).qualifications).toEqual([
      { label: '金融：基金从业资格', expiresAt: '2028-01-01T00:00:00.000Z' },
    ]);
    expect((await user('two-fields', 'qualifications { label }')).qualifications).toEqual([
      { label: '金融：证券从业资格' },
      { label: '教育：教师资格证' },
    ]);
  });

  it('is the same for every kind of viewer: a public label', async () => {
    const viewers: Record<string, string>[] = [
      {},
      { 'x-viewer-id': 'v-2', 'x-viewer-verified': 'false' },
      { 'x-viewer-id': 'doctor' },
    ];
    for (const headers of viewers) {
      expect((await user('doctor', 'qualifications { label }', headers)).qualifications).toEqual([
        { label: '医疗卫生：执业医师' },
      ]);
    }
  });
});

describe('User.mayPublishIn', () => {
  const only = (...fields: string[]) =>
    Object.fromEntries(PROFESSIONAL_FIELDS.map((field) => [field, fields.includes(field)]));

  it.each([
    ['an account holding nothing', 'nobody', only()],
    ['a doctor, in medicine only', 'doctor', only('MEDICAL')],
    ['a lawyer whose licence never expires', 'lawyer', only('LAW')],
    ['an account whose only credential expired', 'expired', only()],
    ['an account whose only credential was revoked', 'revoked', only()],
    ['an account whose expired credential was renewed', 'renewed', only('FINANCE')],
    ['an account with credentials in two fields', 'two-fields', only('FINANCE', 'EDUCATION')],
  ])('%s', async (_case, userId, expected) => {
    expect(await mayPublish(userId)).toEqual(expected);
  });

  it('turns false at the exact instant the credential expires', async () => {
    expect((await at(new Date(EXPIRES.getTime() - 1), () => mayPublish('doctor'))).MEDICAL).toBe(true);
    expect((await at(EXPIRES, () => mayPublish('doctor'))).MEDICAL).toBe(false);
  });

  it('a field that is not one is refused by validation', async () => {
    const body = await server.entities([userRef('doctor')], '... on User { mayPublishIn(field: POLITICS) }');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('User.mcnAgency', () => {
  it('is the agency the account is run by, labelled; null without one', async () => {
    expect((await user('lawyer', 'mcnAgency { name label }')).mcnAgency).toEqual({
      name: '星河文化传媒',
      label: 'MCN机构：星河文化传媒',
    });
    expect((await user('doctor', 'mcnAgency { name label }')).mcnAgency).toBeNull();
  });

  it('follows a move to another agency and a departure at the next request', async () => {
    await storeAgencies(server.app.dataSource, [{ userId: 'mover', agency: '青禾MCN', since: null }]);
    expect((await user('mover', 'mcnAgency { name }')).mcnAgency).toEqual({ name: '青禾MCN' });
    await storeAgencies(server.app.dataSource, [{ userId: 'mover', agency: '星河文化传媒', since: null }]);
    expect((await user('mover', 'mcnAgency { name }')).mcnAgency).toEqual({ name: '星河文化传媒' });
    await storeAgencies(server.app.dataSource, [{ userId: 'mover', agency: null, since: null }]);
    expect((await user('mover', 'mcnAgency { name }')).mcnAgency).toBeNull();
  });
});

it('a credential revoked is gone from the next request', async () => {
  await storeCredentials(server.app.dataSource, [
    aCredential({ userId: 'soon-revoked', field: 'LAW', title: '律师执业证' }),
  ]);
  expect(await mayPublish('soon-revoked')).toMatchObject({ LAW: true });
  await storeCredentials(server.app.dataSource, [
    { userId: 'soon-revoked', field: 'LAW', title: '律师执业证', revoked: true },
  ]);
  expect(await mayPublish('soon-revoked')).toMatchObject({ LAW: false });
  expect((await user('soon-revoked', QUALIFICATIONS)).qualifications).toEqual([]);
});

describe('Post.professionalLabel', () => {
  async function labels(representations: unknown[]) {
    const body = await server.entities(representations, '... on Post { id professionalLabel }');
    return body;
  }

  it("is the author's credential for the field of the post's category, matched regardless of case", async () => {
    const body = await labels([
      postRef('p-1', 'doctor', 'health'),
      postRef('p-2', 'doctor', ' Medical '),
      postRef('p-3', 'lawyer', 'LAW'),
      postRef('p-4', 'two-fields', '教育'),
    ]);
    expect(body.errors).toBeUndefined();
    expect((body.data!._entities as any[]).map((post) => post.professionalLabel)).toEqual([
      '医疗卫生：执业医师',
      '医疗卫生：执业医师',
      '司法：律师执业证',
      '教育：教师资格证',
    ]);
  });

  it('is null for a category in no field, a post without a category, and an author without a credential in force there', async () => {
    const body = await labels([
      postRef('p-1', 'doctor', 'travel'),
      postRef('p-2', 'doctor', null),
      postRef('p-3', 'doctor', 'finance'),
      postRef('p-4', 'expired', 'finance'),
      postRef('p-5', 'revoked', 'law'),
    ]);
    expect(body.errors).toBeUndefined();
    expect((body.data!._entities as any[]).map((post) => post.professionalLabel)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('disappears with the credential, at the instant it expires', async () => {
    const label = async () =>
      ((await labels([postRef('p-1', 'doctor', 'health')])).data!._entities as any[])[0].professionalLabel;
    expect(await at(new Date(EXPIRES.getTime() - 1), label)).toBe('医疗卫生：执业医师');
    expect(await at(EXPIRES, label)).toBeNull();
  });

  it('a representation without the author or the category it @requires is an error for that post alone', async () => {
    const body = await labels([
      { __typename: 'Post', id: 'p-1', category: 'health' },
      { __typename: 'Post', id: 'p-2', author: { id: 'doctor' } },
      { __typename: 'Post', id: 'p-3', author: { id: 'doctor' }, category: 7 },
      postRef('p-4', 'doctor', 'health'),
    ]);
    expect(body.errors?.map((error) => [error.path, error.extensions?.code, error.message])).toEqual([
      [['_entities', 0, 'professionalLabel'], 'BAD_USER_INPUT', expect.stringMatching(/no author \{ id \}/)],
      [['_entities', 1, 'professionalLabel'], 'BAD_USER_INPUT', expect.stringMatching(/no category/)],
      [['_entities', 2, 'professionalLabel'], 'BAD_USER_INPUT', expect.stringMatching(/"category" must be a string/)],
    ]);
    expect((body.data!._entities as any[])[3]).toEqual({ id: 'p-4', professionalLabel: '医疗卫生：执业医师' });
  });
});

describe('in English, with another category mapping', () => {
  let english: TestServer;
  beforeAll(async () => {
    english = await startTestServer(
      {
        DATABASE_URL: server.databaseUrl,
        RUN_MIGRATIONS: 'false',
        PROFESSIONAL_LABEL_LANGUAGE: 'en',
        PROFESSIONAL_CATEGORY_FIELDS: 'wellness=MEDICAL',
      },
      NOW,
    );
  });
  afterAll(async () => {
    await english?.close();
  });

  it('prints the labels in English and maps only the configured categories', async () => {
    const body = await english.entities(
      [userRef('lawyer'), postRef('p-1', 'doctor', 'Wellness'), postRef('p-2', 'doctor', 'health')],
      '... on User { qualifications { label } mcnAgency { label } } ... on Post { professionalLabel }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities).toEqual([
      { qualifications: [{ label: 'Law: 律师执业证' }], mcnAgency: { label: 'MCN agency: 星河文化传媒' } },
      { professionalLabel: 'Medical: 执业医师' },
      { professionalLabel: null },
    ]);
  });
});

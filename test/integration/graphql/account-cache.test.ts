// The read path with the cross-request row cache on (ACCOUNT_CACHE_TTL_MS): rows are shared, answers are not.
import { selectAccountsKeeping } from '../../../src/db/account-rows';
import type { AccountFacts } from '../../../src/policy/types';
import { anAccount, aStage, insertAccounts, replaceStages } from '../../support/factories';
import { userRef, useTestServer, VERIFIED_VIEWER } from '../../support/server';

const NOW = new Date('2026-11-25T08:00:00Z');
const FIELDS = '... on User { id displayName verifiedRealName identityLabel { status realName } }';
const SET_CONSENT = 'mutation($consent: Boolean!) { setRealNameConsent(consent: $consent) { status } }';
const ANONYMOUS = {};

type Entity = { id: string; displayName: string; verifiedRealName: string | null; identityLabel: { status: string } };

const subject = { followerCount: 2_000_000, notifiedAt: new Date('2026-11-20T00:00:00Z') };
const server = useTestServer({
  env: { ACCOUNT_CACHE_TTL_MS: '60000', NOTIFY_INTERVAL_SECONDS: '0' },
  now: NOW,
  accounts: [
    anAccount({ userId: 'disclosed', realName: 'Guo Jing', ...subject, consent: 'YES', consentAt: NOW }),
    anAccount({ userId: 'in-notice', realName: 'Huang Rong', ...subject }),
    anAccount({ userId: 'small', realName: 'Yang Guo', followerCount: 300 }),
  ],
});

async function entities(userIds: string[], headers: Record<string, string>): Promise<Entity[]> {
  const body = await server.entities(
    userIds.map((id) => userRef(id, 'nick')),
    FIELDS,
    headers,
  );
  expect(body.errors).toBeUndefined();
  return body.data?._entities as Entity[];
}

async function accountQueriesDuring(run: () => Promise<unknown>): Promise<number> {
  const before = server.accountQueries().length;
  await run();
  return server.accountQueries().length - before;
}

it('the second request for the same ids costs no account query', async () => {
  const wanted = ['disclosed', 'small', 'never-seen'];
  expect(await accountQueriesDuring(() => entities(wanted, VERIFIED_VIEWER))).toBe(1);
  expect(await accountQueriesDuring(() => entities(wanted, VERIFIED_VIEWER))).toBe(0);
  expect(await accountQueriesDuring(() => entities([...wanted, 'in-notice'], VERIFIED_VIEWER))).toBe(1);
});

it("one viewer's answer is never served to another: the gate runs per request, after the cache", async () => {
  await entities(['disclosed'], VERIFIED_VIEWER); // the row is cached now
  let anonymous: Entity[] = [];
  let unverified: Entity[] = [];
  let verified: Entity[] = [];
  const queries = await accountQueriesDuring(async () => {
    anonymous = await entities(['disclosed'], ANONYMOUS);
    unverified = await entities(['disclosed'], { 'x-viewer-id': 'viewer-2', 'x-viewer-verified': 'false' });
    verified = await entities(['disclosed'], VERIFIED_VIEWER);
  });
  expect(queries).toBe(0); // all three from the same cached row...
  expect(anonymous[0]).toMatchObject({ displayName: 'nick', verifiedRealName: null }); // ...gated apart
  expect(unverified[0]).toMatchObject({ displayName: 'nick', verifiedRealName: null });
  expect(verified[0]).toMatchObject({ displayName: 'nick (Guo Jing)', verifiedRealName: 'Guo Jing' });
  expect(JSON.stringify([anonymous, unverified])).not.toContain('Guo Jing');
});

it('a consent answer given to this process is visible in the very next request', async () => {
  const before = await entities(['in-notice'], VERIFIED_VIEWER);
  expect(before[0]).toMatchObject({ verifiedRealName: null, identityLabel: { status: 'NOTICE' } });
  const { body } = await server.post(
    { query: SET_CONSENT, variables: { consent: true } },
    { 'x-viewer-id': 'in-notice' },
  );
  expect(body.data?.setRealNameConsent).toEqual({ status: 'DISCLOSED' });
  const after = await entities(['in-notice'], VERIFIED_VIEWER);
  expect(after[0]).toMatchObject({ verifiedRealName: 'Huang Rong', identityLabel: { status: 'DISCLOSED' } });

  // and withdrawing it hides the name again at once
  await server.post({ query: SET_CONSENT, variables: { consent: false } }, { 'x-viewer-id': 'in-notice' });
  const withdrawn = await entities(['in-notice'], VERIFIED_VIEWER);
  expect(withdrawn[0]).toMatchObject({ verifiedRealName: null, identityLabel: { status: 'REFUSED' } });
});

it('at most one account query per request, whatever its size', async () => {
  const many = Array.from({ length: 300 }, (_, index) => `unknown-${index}`);
  expect(await accountQueriesDuring(() => entities(many.slice(0, 200), VERIFIED_VIEWER))).toBe(1);
  expect(await accountQueriesDuring(() => entities(many, VERIFIED_VIEWER))).toBe(1); // 100 new ones
  expect(await accountQueriesDuring(() => entities(many, VERIFIED_VIEWER))).toBe(0);
});

it('a row read again unchanged is the account already held (nothing built); a change to any column is a new one', async () => {
  const { dataSource } = server.app;
  await insertAccounts(dataSource, [anAccount({ userId: 'reread', realName: 'Mu Nianci', ...subject })]);
  const read = async (held?: AccountFacts) =>
    (await selectAccountsKeeping(dataSource, ['reread'], (userId) => (userId === held?.userId ? held : undefined)))[0]!;
  const first = await read();
  expect(await read(first)).toBe(first);
  const changes = [
    "consent = 'YES', consent_at = '2026-11-25 08:00:00.000'",
    "consent_at = '2026-11-25 08:00:00.001'",
    'follower_count = follower_count + 1',
    "category = 'law'",
    "notified_at = '2026-11-20 00:00:00.001'",
    'notified_stage_id = 99',
    "verification = 'REVOKED'",
    "subject_kind = 'ORGANIZATION'",
    'real_name_encrypted = CONCAT(real_name_encrypted, 0x00)', // the stored name's bytes
  ];
  let held = first;
  for (const change of changes) {
    await dataSource.query(`UPDATE accounts SET ${change} WHERE user_id = 'reread'`);
    const next = await read(held);
    expect({ change, same: next === held }).toEqual({ change, same: false });
    expect(await read(next)).toBe(next);
    held = next;
  }
});

describe('a label noted on a cached row holds until a stage starts or ends, and no longer', () => {
  const WIDER_FROM = new Date('2026-12-01T00:00:00Z');
  const boundary = useTestServer({
    env: { ACCOUNT_CACHE_TTL_MS: '60000', NOTIFY_INTERVAL_SECONDS: '0' },
    now: NOW,
    accounts: [anAccount({ userId: 'rising', realName: 'Lin Pingzhi', followerCount: 200_000 })],
  });

  const statusAt = async (now: Date) => {
    boundary.now = now;
    const body = await boundary.entities([userRef('rising', 'nick')], FIELDS, VERIFIED_VIEWER);
    return (body.data?._entities as Entity[])[0]?.identityLabel.status;
  };

  it('the same cached row is NOTICE from the instant the wider stage begins, NOT_SUBJECT again when it ends', async () => {
    await replaceStages(boundary.app.dataSource, [
      aStage({ name: 'initial', minFollowers: 1_000_000 }),
      aStage({ name: 'wider', minFollowers: 100_000, effectiveFrom: WIDER_FROM, retiredAt: new Date('2027-01-01') }),
    ]);
    await boundary.app.stageCache.refresh();
    const queries = boundary.accountQueries().length;
    expect(await statusAt(NOW)).toBe('NOT_SUBJECT');
    expect(await statusAt(NOW)).toBe('NOT_SUBJECT'); // noted
    expect(await statusAt(new Date(WIDER_FROM.getTime() - 1))).toBe('NOT_SUBJECT');
    expect(await statusAt(WIDER_FROM)).toBe('NOTICE');
    expect(await statusAt(new Date('2026-12-31T23:59:59.999Z'))).toBe('NOTICE');
    expect(await statusAt(new Date('2027-01-01T00:00:00Z'))).toBe('NOT_SUBJECT');
    expect(await statusAt(WIDER_FROM)).toBe('NOTICE'); // and back, the clock moved back
    expect(boundary.accountQueries().length - queries).toBe(1); // every answer from the one cached row

    await replaceStages(boundary.app.dataSource, [aStage({ name: 'everyone', minFollowers: 0 })]);
    await boundary.app.stageCache.refresh(); // a policy change: other stages, the same row
    expect(await statusAt(NOW)).toBe('NOTICE');
  });
});

// myIdentityData: the owner sees what is held about its own account, and nobody sees anyone else's.
import { accountsInEveryStatus, NOW } from '../../support/every-status';
import { aLocationRecord, postIpLocations, WRITER_SECRET } from '../../support/ip-locations';
import { plainRealNames, textOf } from '../../support/real-names';
import { USER_FIELDS, userRef, VERIFIED_VIEWER, useTestServer } from '../../support/server';

const MY_DATA = `{ myIdentityData {
  userId realName verification
  identityLabel { status realName restricted noticeDeadline stage { name } }
  explanation { status stage { name } followerFloor followerCount category noticeDeadline consent summary ifYouConsent ifYouRefuse }
  ipLocations { postId label recordedAt }
  history { at event oldStatus newStatus stage }
} }`;

const server = useTestServer({
  now: NOW,
  accounts: Object.values(accountsInEveryStatus),
  env: { IP_LOCATION_WRITER_SECRET: WRITER_SECRET, NOTIFY_INTERVAL_SECONDS: '0' },
});

const owner = (userId: string) => ({ 'x-viewer-id': userId });
const myData = async (headers: Record<string, string>): Promise<any> =>
  (await server.post({ query: MY_DATA }, headers)).body;

it('an anonymous caller gets UNAUTHENTICATED and no data', async () => {
  const body = await myData({});
  expect(body.data?.myIdentityData ?? null).toBeNull();
  expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
});

describe.each(Object.values(accountsInEveryStatus).map((account) => [account.userId, account] as const))(
  'the owner of %s',
  (userId, account) => {
    it('sees its own verified name, and its label as a verified viewer sees it', async () => {
      const data = (await myData(owner(userId))).data.myIdentityData;
      const [seen] = (await server.entities([userRef(userId)], USER_FIELDS, VERIFIED_VIEWER)).data?._entities as any[];
      expect(data).toMatchObject({ userId, realName: textOf(account.realName, plainRealNames) });
      expect(data.identityLabel).toEqual({
        status: seen.identityLabel.status,
        realName: seen.identityLabel.realName,
        restricted: seen.identityLabel.restricted,
        noticeDeadline: seen.identityLabel.noticeDeadline,
        stage: seen.identityLabel.stage,
      });
    });

    it('is told why: the explanation matches the label', async () => {
      const { identityLabel, explanation } = (await myData(owner(userId))).data.myIdentityData;
      expect(explanation).toMatchObject({
        status: identityLabel.status,
        stage: identityLabel.stage,
        noticeDeadline: identityLabel.noticeDeadline,
        followerCount: account.followerCount,
        category: account.category,
        consent: account.consent,
      });
      expect(explanation.summary.length).toBeGreaterThan(20);
      if (identityLabel.stage !== null) expect(explanation.followerFloor).toBeGreaterThan(0);
    });
  },
);

describe('IP locations and history', () => {
  const userId = accountsInEveryStatus.notice.userId;

  beforeAll(async () => {
    const records = [
      aLocationRecord({ postId: 'mine-1', userId, ip: '223.5.5.5', at: '2026-11-20T10:00:00Z' }),
      aLocationRecord({ postId: 'mine-2', userId, ip: '8.8.8.8', at: '2026-11-21T10:00:00Z' }),
      aLocationRecord({
        postId: 'theirs-1',
        userId: 'someone-else',
        ip: '114.114.114.114',
        at: '2026-11-22T10:00:00Z',
      }),
    ];
    expect((await postIpLocations(server, { records })).body).toMatchObject({ stored: 3 });
    const consent = await server.post(
      { query: 'mutation { setRealNameConsent(consent: false) { status } }' },
      owner(userId),
    );
    expect(consent.body.data?.setRealNameConsent).toEqual({ status: 'REFUSED' });
  });

  it('the owner sees its latest location, then every post of its own, newest first', async () => {
    const { ipLocations } = (await myData(owner(userId))).data.myIdentityData;
    expect(ipLocations).toEqual([
      { postId: null, label: '美国', recordedAt: '2026-11-21T10:00:00.000Z' },
      { postId: 'mine-2', label: '美国', recordedAt: '2026-11-21T10:00:00.000Z' },
      { postId: 'mine-1', label: '浙江', recordedAt: '2026-11-20T10:00:00.000Z' },
    ]);
  });

  it('the owner sees its history, the refusal last', async () => {
    const { history } = (await myData(owner(userId))).data.myIdentityData;
    expect(history.at(-1)).toMatchObject({ event: 'REFUSED', oldStatus: 'NOTICE', newStatus: 'REFUSED' });
  });

  it.each([
    ['a verified viewer', { 'x-viewer-id': 'someone-else', 'x-viewer-verified': 'true' }],
    ['an unverified viewer', { 'x-viewer-id': 'a-stranger' }],
  ])('%s gets its own data, never the owner’s', async (_kind, headers) => {
    const body = await myData(headers);
    const text = JSON.stringify(body);
    expect(body.data.myIdentityData.userId).toBe(headers['x-viewer-id']);
    expect(text).not.toContain(userId);
    expect(text).not.toContain('mine-');
    expect(text).not.toContain(textOf(accountsInEveryStatus.notice.realName, plainRealNames)!);
  });
});

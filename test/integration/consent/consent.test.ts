// setRealNameConsent through the GraphQL endpoint, against a real MySQL.
import mysql from 'mysql2/promise';
import { AuditLogTable } from '../../../src/db/tables';
import { anAccount, aStage, replaceStages } from '../../support/factories';
import { USER_FIELDS, userRef, useTestServer } from '../../support/server';

const NOW = new Date('2026-11-25T08:00:00Z');
const SET_CONSENT =
  'mutation($consent: Boolean!) { setRealNameConsent(consent: $consent) { status realName restricted disclosedSince } }';

const server = useTestServer({
  env: { NOTIFY_INTERVAL_SECONDS: '0' },
  now: NOW,
  accounts: [
    anAccount({
      userId: 'subject',
      realName: 'Guo Jing',
      followerCount: 2_000_000,
      notifiedAt: new Date('2026-11-20T00:00:00Z'),
    }),
    anAccount({ userId: 'small-verified', realName: 'Huang Rong', followerCount: 300 }),
    anAccount({ userId: 'small-unverified', realName: 'Yang Guo', followerCount: 300, verification: 'UNVERIFIED' }),
  ],
});

const consent = (userId: string | null, value: boolean) =>
  server.post({ query: SET_CONSENT, variables: { consent: value } }, userId === null ? {} : { 'x-viewer-id': userId });

async function seenByVerifiedViewer(userId: string) {
  const body = await server.entities([userRef(userId, 'nick')], USER_FIELDS, {
    'x-viewer-id': 'someone',
    'x-viewer-verified': 'true',
  });
  return (body.data?._entities as { displayName: string; identityLabel: { status: string } }[])[0];
}

it('an anonymous caller gets UNAUTHENTICATED', async () => {
  const { body } = await consent(null, true);
  expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  expect(body.errors?.[0]?.message).toMatch(/x-viewer-id/);
});

it('a subject account that consents is DISCLOSED at once, and shown to verified viewers', async () => {
  const { body } = await consent('subject', true);
  expect(body.data?.setRealNameConsent).toEqual({
    status: 'DISCLOSED',
    realName: 'Guo Jing',
    restricted: false,
    disclosedSince: NOW.toISOString(),
  });
  expect(await seenByVerifiedViewer('subject')).toMatchObject({ displayName: 'nick (Guo Jing)' });
});

it('withdrawing while subject makes it REFUSED and restricted, and hides the name again', async () => {
  const { body } = await consent('subject', false);
  expect(body.data?.setRealNameConsent).toEqual({
    status: 'REFUSED',
    realName: null,
    restricted: true,
    disclosedSince: null,
  });
  expect(await seenByVerifiedViewer('subject')).toMatchObject({
    displayName: 'nick',
    identityLabel: { status: 'REFUSED' },
  });
});

it('a verified account under every threshold may disclose voluntarily, and withdraw', async () => {
  expect((await consent('small-verified', true)).body.data?.setRealNameConsent).toMatchObject({
    status: 'DISCLOSED',
    realName: 'Huang Rong',
  });
  expect(await seenByVerifiedViewer('small-verified')).toMatchObject({ displayName: 'nick (Huang Rong)' });
  expect((await consent('small-verified', false)).body.data?.setRealNameConsent).toMatchObject({
    status: 'NOT_SUBJECT',
    realName: null,
  });
});

it('an account with no verified name and no notice has nothing to disclose: FORBIDDEN, nothing stored', async () => {
  const { body } = await consent('small-unverified', true);
  expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  expect(body.errors?.[0]?.message).not.toContain('Yang Guo');
  expect(await server.app.dataSource.getRepository(AuditLogTable).countBy({ userId: 'small-unverified' })).toBe(0);
});

it('refusing for an account this service has never seen stores nothing', async () => {
  const { body } = await consent('stranger', false);
  expect(body.data?.setRealNameConsent).toMatchObject({ status: 'NOT_SUBJECT' });
  expect(await server.app.dataSource.query("SELECT user_id FROM accounts WHERE user_id = 'stranger'")).toEqual([]);
});

it('every answer is in the audit log with its cause, and no real name is', async () => {
  const entries = await server.app.dataSource
    .getRepository(AuditLogTable)
    .find({ where: { userId: 'subject' }, order: { id: 'ASC' } });
  expect(entries.map(({ event, oldStatus, newStatus, cause }) => [event, oldStatus, newStatus, cause])).toEqual([
    ['CONSENTED', 'NOTICE', 'DISCLOSED', 'mutation setRealNameConsent'],
    ['DISCLOSED', 'NOTICE', 'DISCLOSED', 'mutation setRealNameConsent'],
    ['WITHDRAWN', 'DISCLOSED', 'REFUSED', 'mutation setRealNameConsent'],
  ]);
  const everything = JSON.stringify(await server.app.dataSource.getRepository(AuditLogTable).find());
  expect(everything).not.toMatch(/Guo Jing|Huang Rong|Yang Guo/);
});

describe('under a MANDATORY stage past its deadline', () => {
  const mandatory = useTestServer({
    env: { NOTIFY_INTERVAL_SECONDS: '0' },
    now: NOW,
    accounts: [
      anAccount({
        userId: 'mandated',
        realName: 'Qiao Feng',
        followerCount: 2_000_000,
        consent: 'YES',
        consentAt: new Date('2026-10-01T00:00:00Z'),
      }),
    ],
  });

  beforeAll(async () => {
    const { dataSource } = mandatory.app;
    await replaceStages(dataSource, [
      aStage({ name: 'law', minFollowers: 1_000_000, mode: 'MANDATORY', noticeDays: 7 }),
    ]);
    const [law] = (await dataSource.query("SELECT id FROM policy_stages WHERE name = 'law'")) as { id: number }[];
    await dataSource.query("UPDATE accounts SET notified_at = ?, notified_stage_id = ? WHERE user_id = 'mandated'", [
      new Date('2026-11-01T00:00:00Z'),
      law?.id,
    ]);
    await mandatory.app.stageCache.refresh();
  });

  it('a withdrawal is recorded, and the answer says the name stays shown because of the deadline', async () => {
    const { body } = await mandatory.post(
      { query: `mutation { setRealNameConsent(consent: false) { status disclosedBecause realName } }` },
      { 'x-viewer-id': 'mandated' },
    );
    expect(body.data?.setRealNameConsent).toEqual({
      status: 'DISCLOSED',
      disclosedBecause: 'MANDATORY_DEADLINE',
      realName: 'Qiao Feng',
    });
    const [row] = (await mandatory.app.dataSource.query("SELECT consent FROM accounts WHERE user_id = 'mandated'")) as {
      consent: string;
    }[];
    expect(row?.consent).toBe('NO');
  });
});

describe('concurrent first consents for an account this service has never seen', () => {
  const open = useTestServer({ env: { NOTIFY_INTERVAL_SECONDS: '0', DB_POOL_SIZE: '20' }, now: NOW });
  const newcomers = ['new-1', 'new-2', 'new-3', 'new-4', 'new-5'];

  beforeAll(async () => {
    await replaceStages(open.app.dataSource, [aStage({ name: 'everyone', minFollowers: 0 })]);
    await open.app.stageCache.refresh();
  });

  it('all get a real answer, and each account is stored once, audited once', async () => {
    // 20 first consents for each of 5 accounts. The table is held locked until 20 transactions (the whole
    // pool) wait for it, so that they start together.
    const gate = await mysql.createConnection(open.databaseUrl!);
    await gate.query('LOCK TABLES accounts WRITE');
    const requests = Promise.all(
      newcomers.flatMap((userId) =>
        Array.from({ length: 20 }, () =>
          open.post({ query: 'mutation { setRealNameConsent(consent: true) { status } }' }, { 'x-viewer-id': userId }),
        ),
      ),
    );
    const waiting = async () => {
      const [rows] = await gate.query(
        "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = DATABASE() AND state LIKE '%lock%'",
      );
      return Number((rows as { n: number }[])[0]?.n);
    };
    while ((await waiting()) < 20) await new Promise((resolve) => setTimeout(resolve, 20));
    await gate.query('UNLOCK TABLES');
    await gate.end();
    const answers = await requests;
    for (const { status, body } of answers) {
      expect({ status, errors: body.errors, answer: body.data?.setRealNameConsent }).toEqual({
        status: 200,
        errors: undefined,
        answer: { status: 'UNVERIFIED' },
      });
    }
    for (const userId of newcomers) {
      // One write each; the other nineteen found the consent already given.
      expect(await open.app.dataSource.getRepository(AuditLogTable).countBy({ userId })).toBe(1);
    }
    const stored = await open.app.dataSource.query("SELECT DISTINCT consent FROM accounts WHERE user_id LIKE 'new-%'");
    expect(stored).toEqual([{ consent: 'YES' }]);
  });
});

// The broker-neutral core on a real MySQL: each event type's effect, exactly once (duplicates, out of order,
// erased accounts, a post deleted before its creation arrives), bad messages refused with reasons that repeat
// no value, and a whole batch in one transaction.
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { PseudonymKey } from '../../../src/crypto/pseudonym-key';
import { openDatabase } from '../../../src/db/data-source';
import { loadPolicyStages } from '../../../src/db/policy-stages';
import { IpDatabase } from '../../../src/ip-location/ip-database';
import type { PolicyStage } from '../../../src/policy/types';
import { receiveEvents, type IncomingMessage, type ReceiveOptions } from '../../../src/events/receive-events';
import { useMigratedDatabase } from '../../support/database';
import {
  accountClosed,
  accountRow,
  encode,
  followersChanged,
  mcnChanged,
  outboxOf,
  postCreated,
  postDeleted,
  professionalRows,
  qualificationChanged,
  verificationChanged,
} from '../../support/events';
import { anAccount, insertAccounts } from '../../support/factories';
import { everyStoredValue, postLocationRows } from '../../support/ip-locations';
import { labelChangeRows } from '../../support/professional';
import { storedAccounts } from '../../support/real-names';
import { onTeardown } from '../../support/teardown';
import { testRealNames } from '../../support/real-names';

const db = useMigratedDatabase();
const pseudonymKey = PseudonymKey.parse('AZTynN10d3740gdhZE4XV716Z0wRyxSJpM4gOSRoQY8=');
const statements: string[] = [];
let observed: DataSource;
let stages: PolicyStage[];
const told: string[] = [];

beforeAll(async () => {
  stages = await loadPolicyStages(db.dataSource);
  observed = await openDatabase(
    {
      databaseUrl: db.database.url,
      dbPoolSize: 4,
      dbQueryTimeoutMs: undefined,
      dbConnectTimeoutMs: 2000,
      dbQueueLimit: 100,
    },
    pino({ level: 'silent' }),
    (sql) => statements.push(sql),
  );
});
onTeardown(async () => {
  await observed?.destroy();
});

const options = (): ReceiveOptions => ({
  stages: () => stages,
  rules: { hysteresisRatio: 0.9 },
  clock: () => new Date(),
  realNames: testRealNames,
  pseudonymKey,
  ipDatabase: IpDatabase.open({ ipv4: undefined, ipv6: undefined }),
  onCommitted: (userIds) => told.push(...userIds),
});

const receive = (...events: unknown[]) => receiveEvents(observed, events.map(encode), options());
const outcomes = async (...events: unknown[]) =>
  (await receive(...events)).map((disposition) =>
    disposition.done ? disposition.outcome : disposition.rejection.reason,
  );

describe('user.followers.changed', () => {
  it('a count crossing 500,000 puts a verified account in NOTICE at once: the notice and the label change are in the outbox', async () => {
    await insertAccounts(db.dataSource, [anAccount({ userId: 'rising', followerCount: 499_000 })]);
    expect(await outcomes(followersChanged('rising', 500_001))).toEqual(['applied']);
    expect(await accountRow(db.dataSource, 'rising')).toMatchObject({
      follower_count: 500_001,
      notified_at: expect.any(Date),
    });
    expect(await outboxOf(db.dataSource, 'rising')).toEqual(['LABEL_CHANGED NOTICE', 'NOTICE']);
    expect(told).toContain('rising');
  });

  it('the same event again (same source and id) changes nothing, even with other data', async () => {
    const event = followersChanged('dup', 10);
    expect(await outcomes(event)).toEqual(['applied']);
    expect(await outcomes({ ...event, data: { ...event.data, followerCount: 99 } }, event)).toEqual([
      'duplicate',
      'duplicate',
    ]);
    expect((await accountRow(db.dataSource, 'dup'))!.follower_count).toBe(10);
  });

  it('the same id from another source is another event', async () => {
    const event = followersChanged('two-sources', 10, 60);
    const other = followersChanged('two-sources', 20, 30, { id: event.id, source: '//platform.example/other' });
    expect(await outcomes(event, other)).toEqual(['applied', 'applied']);
    expect((await accountRow(db.dataSource, 'two-sources'))!.follower_count).toBe(20);
  });

  it('an older observation arriving later changes nothing, across batches and within one', async () => {
    expect(await outcomes(followersChanged('ordered', 700, 10))).toEqual(['applied']);
    expect(await outcomes(followersChanged('ordered', 600, 20))).toEqual(['stale']);
    expect(await outcomes(followersChanged('ordered', 900, 1), followersChanged('ordered', 800, 5))).toEqual([
      'applied',
      'applied',
    ]);
    expect((await accountRow(db.dataSource, 'ordered'))!.follower_count).toBe(900);
  });

  it('a count falling far below the threshold withdraws the notice', async () => {
    expect(await outcomes(followersChanged('rising', 100, 1))).toEqual(['applied']);
    expect(await outboxOf(db.dataSource, 'rising')).toEqual([
      'LABEL_CHANGED NOTICE',
      'NOTICE',
      'LABEL_CHANGED NOT_SUBJECT',
      'NOTICE_WITHDRAWN',
    ]);
  });
});

describe('user.verification.changed', () => {
  it('stores the verification and the name, sealed; an older one changes nothing', async () => {
    const verified = verificationChanged(
      'verifying',
      { verification: 'VERIFIED', realName: '张三', subjectKind: 'INDIVIDUAL' },
      5,
    );
    const older = verificationChanged('verifying', { verification: 'REVOKED' }, 50);
    expect(await outcomes(verified)).toEqual(['applied']);
    expect(await outcomes(older)).toEqual(['stale']);
    const [account] = (await storedAccounts(db.dataSource)).filter((row) => row.userId === 'verifying');
    expect(account).toMatchObject({ verification: 'VERIFIED', realName: '张三', subjectKind: 'INDIVIDUAL' });
    expect(await everyStoredValue(db.dataSource)).not.toContain('张三');
  });

  it('is a fact of its own: a newer follower count does not make an older verification stale', async () => {
    expect(await outcomes(followersChanged('verifying', 5, 1))).toEqual(['applied']);
    expect(await outcomes(verificationChanged('verifying', { verification: 'REVOKED' }, 2))).toEqual(['applied']);
    expect((await accountRow(db.dataSource, 'verifying'))!.verification).toBe('REVOKED');
  });
});

describe('account.closed', () => {
  it('erases the account, and no later event brings it back', async () => {
    await receive(followersChanged('closing', 800_000, 10), postCreated('post-of-closing', 'closing'));
    expect(await outcomes(accountClosed('closing'))).toEqual(['applied']);
    expect(await everyStoredValue(db.dataSource)).not.toContain('closing');
    expect(
      await outcomes(followersChanged('closing', 900_000, 1), postCreated('post-2-of-closing', 'closing')),
    ).toEqual(['erased', 'erased']);
    expect(await outcomes(accountClosed('closing'))).toEqual(['unchanged']);
    expect(await everyStoredValue(db.dataSource)).not.toContain('closing');
  });

  it('wins over the rest of its batch, in whatever order', async () => {
    // Nothing was held of it: its erasure had nothing to delete, and the follower count is not stored.
    expect(await outcomes(followersChanged('closed-in-batch', 1, 1), accountClosed('closed-in-batch'))).toEqual([
      'erased',
      'unchanged',
    ]);
    expect(await everyStoredValue(db.dataSource)).not.toContain('closed-in-batch');
  });
});

describe('post.created and post.deleted', () => {
  it('records where the post was made from, never the address; deleting the post deletes it', async () => {
    expect(await outcomes(postCreated('p-hz', 'author-1', '223.5.5.5'))).toEqual(['applied']);
    expect(await postLocationRows(db.dataSource)).toContainEqual(
      expect.objectContaining({ post_id: 'p-hz', user_id: 'author-1', country_code: 'CN', region_code: 'CN-ZJ' }),
    );
    expect(await everyStoredValue(db.dataSource)).not.toContain('223.5.5.5');
    expect(await outcomes(postDeleted('p-hz'))).toEqual(['applied']);
    expect((await postLocationRows(db.dataSource)).map((row) => row.post_id)).not.toContain('p-hz');
  });

  it('a post.created that arrives after its post.deleted records nothing', async () => {
    const created = postCreated('p-late', 'author-2');
    expect(await outcomes(postDeleted('p-late'))).toEqual(['applied']);
    expect(await outcomes(created)).toEqual(['stale']);
    expect(await outcomes(postCreated('p-same-batch', 'author-2'), postDeleted('p-same-batch'))).toEqual([
      'stale',
      'applied',
    ]);
    const posts = (await postLocationRows(db.dataSource)).map((row) => row.post_id);
    expect(posts).not.toContain('p-late');
    expect(posts).not.toContain('p-same-batch');
  });
});

describe('user.qualification.changed', () => {
  it('grants a credential, audited with the event as its cause; the same event again changes nothing', async () => {
    const granted = qualificationChanged('doctor', { issuer: '国家卫生健康委员会' }, 30);
    expect(await outcomes(granted)).toEqual(['applied']);
    expect(await professionalRows(db.dataSource, 'doctor')).toEqual({
      credentials: ['MEDICAL 执业医师'],
      agency: null,
    });
    expect(await labelChangeRows(db.dataSource, 'doctor')).toEqual([
      expect.objectContaining({
        event: 'QUALIFICATION_GRANTED',
        cause: `event user.qualification.changed ${granted.id}`,
      }),
    ]);
    expect(told).toContain('doctor');
    expect(await outcomes(granted, { ...granted, data: { ...granted.data, title: '执业药师' } })).toEqual([
      'duplicate',
      'duplicate',
    ]);
    expect(await outcomes(qualificationChanged('doctor', { issuer: '国家卫生健康委员会' }, 20))).toEqual(['unchanged']);
    expect((await labelChangeRows(db.dataSource, 'doctor')).length).toBe(1);
  });

  it('an older observation of a credential arriving later changes nothing, across batches and within one', async () => {
    expect(await outcomes(qualificationChanged('doctor', { revoked: true }, 10))).toEqual(['applied']);
    expect(await outcomes(qualificationChanged('doctor', {}, 15))).toEqual(['stale']);
    expect((await professionalRows(db.dataSource, 'doctor')).credentials).toEqual([]);
    // Within one batch they are applied in observedAt order, whatever order they came in: the newer revocation wins.
    expect(
      await outcomes(qualificationChanged('doctor', { revoked: true }, 1), qualificationChanged('doctor', {}, 3)),
    ).toEqual(['applied', 'applied']);
    expect((await professionalRows(db.dataSource, 'doctor')).credentials).toEqual([]);
    // Granted and revoked again within the batch: nothing to store, nothing to audit.
    expect((await labelChangeRows(db.dataSource, 'doctor')).map((row) => row.event)).toEqual([
      'QUALIFICATION_GRANTED',
      'QUALIFICATION_REVOKED',
    ]);
  });

  it('each credential is a fact of its own: a newer one does not make an older one of another title stale', async () => {
    expect(await outcomes(qualificationChanged('doctor', { field: 'LAW', title: '律师执业证' }, 100))).toEqual([
      'applied',
    ]);
    expect((await professionalRows(db.dataSource, 'doctor')).credentials).toEqual(['LAW 律师执业证']);
  });
});

describe('user.mcn.changed', () => {
  it('joins, moves and leaves an agency; an older observation changes nothing', async () => {
    expect(await outcomes(mcnChanged('creator', '星河文化传媒', 30, '2026-01-01T00:00:00Z'))).toEqual(['applied']);
    expect((await professionalRows(db.dataSource, 'creator')).agency).toBe('星河文化传媒');
    expect(await outcomes(mcnChanged('creator', '银河传媒', 20), mcnChanged('creator', '旧机构', 25))).toEqual([
      'applied',
      'applied',
    ]);
    expect((await professionalRows(db.dataSource, 'creator')).agency).toBe('银河传媒');
    expect(await outcomes(mcnChanged('creator', '', 10))).toEqual(['applied']);
    expect(await outcomes(mcnChanged('creator', '星河文化传媒', 15))).toEqual(['stale']);
    expect(await outcomes(mcnChanged('creator', null, 5))).toEqual(['unchanged']);
    expect((await professionalRows(db.dataSource, 'creator')).agency).toBeNull();
    expect((await labelChangeRows(db.dataSource, 'creator')).map((row) => row.event)).toEqual([
      'MCN_JOINED',
      'MCN_LEFT',
      'MCN_JOINED',
      'MCN_LEFT',
    ]);
  });

  it('an erased account gets no labels back, whether closed before or in the same batch', async () => {
    await receive(mcnChanged('closing-creator', '星河文化传媒', 30), qualificationChanged('closing-creator', {}, 30));
    expect(
      await outcomes(
        qualificationChanged('closing-creator', { field: 'LAW', title: '律师执业证' }, 1),
        accountClosed('closing-creator'),
        mcnChanged('closing-creator', '银河传媒', 1),
      ),
    ).toEqual(['erased', 'applied', 'erased']);
    expect(await outcomes(qualificationChanged('closing-creator', {}, 0))).toEqual(['erased']);
    expect(await professionalRows(db.dataSource, 'closing-creator')).toEqual({ credentials: [], agency: null });
    expect(await everyStoredValue(db.dataSource)).not.toContain('closing-creator');
  });
});

describe('bad messages', () => {
  const base = followersChanged('bad-1', 5);
  const cases: [string, IncomingMessage, string, RegExp][] = [
    ['not JSON', 'not json {', 'not-json', /not JSON/],
    ['a JSON array', encode([base]), 'not-cloudevent', /not a JSON object/],
    ['another specversion', encode({ ...base, specversion: '0.3' }), 'not-cloudevent', /specversion/],
    ['no id', encode({ ...base, id: undefined }), 'not-cloudevent', /id must be/],
    ['no source', encode({ ...base, source: '' }), 'not-cloudevent', /source must be/],
    ['a time that is no date', encode({ ...base, time: '2026-02-30T10:00:00Z' }), 'not-cloudevent', /time must be/],
    ['binary data', encode({ ...base, data: undefined, data_base64: 'AAAA' }), 'not-cloudevent', /data_base64/],
    ['an unknown type', encode({ ...base, type: 'user.renamed' }), 'unknown-type', /type is not one/],
    [
      'a negative count',
      encode({ ...base, data: { ...base.data, followerCount: -4 } }),
      'invalid-data',
      /followerCount/,
    ],
    [
      'an observedAt in the future',
      encode({ ...base, data: { ...base.data, observedAt: '2999-01-01T00:00:00Z' } }),
      'invalid-data',
      /observedAt is in the future/,
    ],
    [
      'a verification with a blank name',
      encode(verificationChanged('bad-2', { verification: 'VERIFIED', realName: '  ' })),
      'invalid-data',
      /realName is empty/,
    ],
    ['a post from no address', encode(postCreated('p-bad', 'author-3', '999.1.1.1')), 'invalid-data', /ip is not/],
    ['a post.deleted without a post', encode(postDeleted('')), 'invalid-data', /postId must be/],
    [
      'a credential of no field',
      encode(qualificationChanged('bad-5', { field: 'COOKING' })),
      'invalid-data',
      /field must be one of FINANCE, EDUCATION, MEDICAL, LAW/,
    ],
    [
      'a credential verified in the future',
      encode(qualificationChanged('bad-5', { verifiedAt: '2999-01-01T00:00:00Z' })),
      'invalid-data',
      /verifiedAt is in the future/,
    ],
    [
      'a credential without observedAt',
      encode({
        ...qualificationChanged('bad-5', {}),
        data: { userId: 'bad-5', field: 'LAW', title: 't', revoked: true },
      }),
      'invalid-data',
      /observedAt is missing/,
    ],
    [
      'an MCN change that names no agency',
      encode({ ...mcnChanged('bad-6', 'x'), data: { userId: 'bad-6', observedAt: new Date().toISOString() } }),
      'invalid-data',
      /mcnAgency is missing/,
    ],
  ];

  it.each(cases)('%s is refused with a reason (%#)', async (_case, message, reason, detail) => {
    const [disposition] = await receiveEvents(observed, [message], options());
    expect(disposition).toMatchObject({ done: false, rejection: { reason, detail: expect.stringMatching(detail) } });
  });

  it('never repeats a value in its reason, and names the event id when it has one', async () => {
    const secretName = '秘密的名字';
    const event = verificationChanged('bad-4', { verification: 'SOMETIMES', realName: secretName });
    const [disposition] = await receiveEvents(observed, [encode(event)], options());
    expect(disposition).toMatchObject({ done: false, rejection: { reason: 'invalid-data', eventId: event.id } });
    expect(JSON.stringify(disposition)).not.toContain(secretName);
    expect(JSON.stringify(disposition)).not.toContain('SOMETIMES');
  });

  it('cost the good events of their batch nothing', async () => {
    expect(await outcomes(followersChanged('good-beside-bad', 3), { ...base, type: 'nope' })).toEqual([
      'applied',
      'unknown-type',
    ]);
  });
});

it('a batch of 1,000 events of every kind is one transaction', async () => {
  const events = Array.from({ length: 1000 }, (_, index) => {
    if (index % 10 === 0) return postCreated(`bulk-post-${index}`, `bulk-${index}`);
    if (index % 10 === 1) return qualificationChanged(`bulk-${index}`, {});
    if (index % 10 === 2) return mcnChanged(`bulk-${index}`, '星河文化传媒');
    return followersChanged(`bulk-${index}`, index);
  });
  statements.length = 0;
  const dispositions = await receive(...events);
  expect(dispositions.every((disposition) => disposition.done && disposition.outcome === 'applied')).toBe(true);
  expect(statements.filter((sql) => /^(START TRANSACTION|BEGIN)/i.test(sql))).toHaveLength(1);
  expect(statements.filter((sql) => /^COMMIT/i.test(sql))).toHaveLength(1);
  // A few statements per kind of event, none per event.
  expect(statements.length).toBeLessThan(35);
  const [{ count }] = await db.dataSource.query("SELECT COUNT(*) AS count FROM accounts WHERE user_id LIKE 'bulk-%'");
  expect(Number(count)).toBe(700);
  const [{ credentials }] = await db.dataSource.query(
    "SELECT COUNT(*) AS credentials FROM qualifications WHERE user_id LIKE 'bulk-%'",
  );
  expect(Number(credentials)).toBe(100);
});

it('a batch of follower counts reads and writes each account row once: seven statements for new accounts, six for known', async () => {
  const batch = (count: number) =>
    Array.from({ length: 1000 }, (_, index) => followersChanged(`counted-${index}`, count, 1000 - count));
  const sql = async (events: unknown[]) => {
    statements.length = 0;
    await receive(...events);
    return statements;
  };
  const starts = (...prefixes: string[]) => prefixes.map((prefix) => expect.stringMatching(new RegExp(`^${prefix}`)));
  expect(await sql(batch(1))).toEqual(
    starts(
      'SET TRANSACTION',
      'START TRANSACTION',
      'INSERT INTO processed_events',
      'SELECT user_id, real_name, .* FROM accounts .* FOR UPDATE',
      'INSERT INTO accounts \\(user_id, real_name, .*followers_observed_at',
      'SELECT pseudonym FROM erasures .* LOCK IN SHARE MODE',
      'COMMIT',
    ),
  );
  expect(await sql(batch(2))).toEqual(
    starts(
      'SET TRANSACTION',
      'START TRANSACTION',
      'INSERT INTO processed_events',
      'SELECT user_id, real_name, .* FROM accounts .* FOR UPDATE',
      'INSERT INTO accounts \\(user_id, follower_count, followers_observed_at, verification_observed_at\\) .* ON DUPLICATE KEY UPDATE',
      'COMMIT',
    ),
  );
  const [{ n }] = await db.dataSource.query(
    "SELECT COUNT(*) AS n FROM accounts WHERE user_id LIKE 'counted-%' AND follower_count = 2 AND followers_observed_at IS NOT NULL",
  );
  expect(Number(n)).toBe(1000);
});

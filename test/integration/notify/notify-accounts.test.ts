// notify against a real MySQL: who is told, exactly once even from two processes at once, and who is let go.
import { Not, type DataSource } from 'typeorm';
import { loadPolicyStages } from '../../../src/db/policy-stages';
import { AccountsTable, AuditLogTable, NotificationOutboxTable } from '../../../src/db/tables';
import { notifyAccounts, type NotifyResult } from '../../../src/notify/notify-accounts';
import { connectTo, useMigratedDatabase } from '../../support/database';
import { anAccount, daysAfter, insertAccounts } from '../../support/factories';
import { runCli } from '../../support/cli';

const NOW = new Date('2026-11-25T08:00:00Z');
const rules = { hysteresisRatio: 0.9 };

const migrated = useMigratedDatabase();
let first: DataSource;
let second: DataSource; // a second pool, as a second process would have

beforeAll(async () => {
  first = migrated.dataSource;
  second = await connectTo(migrated.database);
});
afterAll(async () => {
  await second?.destroy();
});

beforeEach(async () => {
  for (const table of ['accounts', 'audit_log', 'notification_outbox']) await first.query(`DELETE FROM ${table}`);
});

/** What the run did (notices sent and withdrawn); how many accounts it checked is left out. */
async function notify(dataSource: DataSource, now = NOW): Promise<Omit<NotifyResult, 'checked'>> {
  const { notified, withdrawn } = await notifyAccounts(dataSource, {
    stages: await loadPolicyStages(dataSource),
    rules,
    now,
    cause: 'test notify',
    chunkSize: 50,
  });
  return { notified, withdrawn };
}

/** The notices (the outbox's LABEL_CHANGED entries, for the services that act on a label, are not notices). */
const outbox = () =>
  first.getRepository(NotificationOutboxTable).find({ where: { kind: Not('LABEL_CHANGED') }, order: { id: 'ASC' } });
const account = (userId: string) => first.getRepository(AccountsTable).findOneByOrFail({ userId });

it('notifies every account that became subject, once, with an outbox notice naming stage and deadline', async () => {
  await insertAccounts(first, [
    anAccount({ userId: 'big', followerCount: 1_500_000 }),
    anAccount({ userId: 'mid', followerCount: 600_000 }),
    anAccount({ userId: 'small', followerCount: 499_999 }),
  ]);
  expect(await notify(first)).toEqual({ notified: 2, withdrawn: 0 });
  expect((await account('big')).notifiedAt).toEqual(NOW);
  expect((await account('small')).notifiedAt).toBeNull();
  expect(await outbox()).toEqual([
    expect.objectContaining({
      userId: 'big',
      kind: 'NOTICE',
      stageName: 'initial',
      noticeDeadline: daysAfter(NOW, 13),
    }),
    expect.objectContaining({
      userId: 'mid',
      kind: 'NOTICE',
      stageName: 'expanded',
      noticeDeadline: daysAfter(NOW, 9),
    }),
  ]);
  expect(await notify(first)).toEqual({ notified: 0, withdrawn: 0 });
  const audit = await first.getRepository(AuditLogTable).find({ order: { id: 'ASC' } });
  expect(
    audit.map(({ userId, event, oldStatus, newStatus, cause }) => ({ userId, event, oldStatus, newStatus, cause })),
  ).toEqual([
    { userId: 'big', event: 'NOTIFIED', oldStatus: 'NOTICE', newStatus: 'NOTICE', cause: 'test notify' },
    { userId: 'mid', event: 'NOTIFIED', oldStatus: 'NOTICE', newStatus: 'NOTICE', cause: 'test notify' },
  ]);
});

it('two runs at the same time notify each account exactly once', async () => {
  const many = Array.from({ length: 600 }, (_, index) =>
    anAccount({ userId: `race-${String(index).padStart(4, '0')}`, followerCount: 700_000 }),
  );
  await insertAccounts(first, many);
  const [a, b] = await Promise.all([notify(first), notify(second)]);
  expect(a.notified + b.notified).toBe(600);
  const notices = await outbox();
  expect(notices).toHaveLength(600);
  expect(new Set(notices.map((notice) => notice.userId)).size).toBe(600);
  expect(await first.getRepository(AuditLogTable).countBy({ event: 'NOTIFIED' })).toBe(600);
});

it('keeps a notified account down to 90% of the minimum, then withdraws the notice', async () => {
  await insertAccounts(first, [anAccount({ userId: 'hover', followerCount: 600_000, consent: 'NO', consentAt: NOW })]);
  await notify(first);
  await first.getRepository(AccountsTable).update({ userId: 'hover' }, { followerCount: 450_000 });
  expect(await notify(first)).toEqual({ notified: 0, withdrawn: 0 });

  await first.getRepository(AccountsTable).update({ userId: 'hover' }, { followerCount: 449_999 });
  expect(await notify(first)).toEqual({ notified: 0, withdrawn: 1 });
  // The refusal answered the withdrawn notice: should the account cross again, it answers afresh.
  expect(await account('hover')).toMatchObject({ notifiedAt: null, consent: 'NONE', consentAt: null });
  expect((await outbox()).map((notice) => notice.kind)).toEqual(['NOTICE', 'NOTICE_WITHDRAWN']);
  // The status changed when the followers fell (an import audits that); notify records the dropped notice.
  expect(await first.getRepository(AuditLogTable).findOneByOrFail({ event: 'DROPPED_OUT' })).toMatchObject({
    oldStatus: 'NOT_SUBJECT',
    newStatus: 'NOT_SUBJECT',
    cause: 'test notify',
  });
});

it('notifies under a stage limited to categories only the accounts in them, and only once it is in force', async () => {
  await first.query(
    "INSERT INTO policy_stages (name, min_followers, categories, effective_from, notice_days, mode) VALUES ('finance', 100000, '[\"finance\"]', '2027-01-01 00:00:00', 5, 'MANDATORY')",
  );
  await insertAccounts(first, [
    anAccount({ userId: 'banker', followerCount: 200_000, category: 'finance' }),
    anAccount({ userId: 'chef', followerCount: 200_000, category: 'food' }),
  ]);
  expect(await notify(first)).toEqual({ notified: 0, withdrawn: 0 });
  const later = new Date('2027-01-02T00:00:00Z');
  expect(await notify(first, later)).toEqual({ notified: 1, withdrawn: 0 });
  expect(await outbox()).toEqual([
    expect.objectContaining({ userId: 'banker', stageName: 'finance', noticeDeadline: daysAfter(later, 5) }),
  ]);
  await first.query("DELETE FROM policy_stages WHERE name = 'finance'");
});

it('tells an account about a stricter stage that now governs it; its earlier refusal no longer counts', async () => {
  await insertAccounts(first, [anAccount({ userId: 'analyst', followerCount: 600_000, category: 'finance' })]);
  await notify(first); // told under "expanded"
  await first.getRepository(AccountsTable).update({ userId: 'analyst' }, { consent: 'NO', consentAt: NOW });
  await first.query(
    "INSERT INTO policy_stages (name, min_followers, categories, effective_from, notice_days, mode) VALUES ('finance-now', 100000, '[\"finance\"]', '2026-11-01 00:00:00', 5, 'MANDATORY')",
  );
  const later = daysAfter(NOW, 1);
  expect(await notify(first, later)).toEqual({ notified: 1, withdrawn: 0 });
  const [stage] = await first.query("SELECT id FROM policy_stages WHERE name = 'finance-now'");
  expect(await account('analyst')).toMatchObject({ notifiedAt: later, notifiedStageId: stage.id, consent: 'NONE' });
  expect((await outbox()).map(({ stageName, noticeDeadline }) => [stageName, noticeDeadline])).toEqual([
    ['expanded', daysAfter(NOW, 9)],
    ['finance-now', daysAfter(later, 5)],
  ]);
  const events = (
    await first.getRepository(AuditLogTable).find({ where: { userId: 'analyst' }, order: { id: 'ASC' } })
  ).map((entry) => entry.event);
  expect(events).toEqual(['NOTIFIED', 'NOTIFIED', 'REFUSAL_CLEARED']);
  expect(await notify(first, later)).toEqual({ notified: 0, withdrawn: 0 });
  await first.query("DELETE FROM policy_stages WHERE name = 'finance-now'");
});

it('`identity-labels notify` prints what it did', async () => {
  await insertAccounts(first, [anAccount({ userId: 'cli', followerCount: 5_000_000 })]);
  const result = await runCli(['notify'], { DATABASE_URL: migrated.database.url });
  expect(result).toMatchObject({ code: 0, stdout: 'notify: 1 notified, 0 notices withdrawn, 0 deadlines passed\n' });
});

it('reports its running totals after every chunk, for the command to show progress', async () => {
  await insertAccounts(
    first,
    Array.from({ length: 5 }, (_, index) => anAccount({ userId: `p-${index}`, followerCount: 600_000 })),
  );
  const reports: NotifyResult[] = [];
  await notifyAccounts(first, {
    stages: await loadPolicyStages(first),
    rules,
    now: NOW,
    cause: 'test notify',
    chunkSize: 2,
    onProgress: (result) => reports.push({ ...result }),
  });
  expect(reports.slice(0, 3)).toEqual([
    { checked: 2, notified: 2, withdrawn: 0 },
    { checked: 4, notified: 4, withdrawn: 0 },
    { checked: 5, notified: 5, withdrawn: 0 },
  ]);
});

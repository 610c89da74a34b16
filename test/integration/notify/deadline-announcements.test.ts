// A notice deadline passing moves a label with no write (NOTICE becomes REFUSED and restricted): the notify run
// announces it in the outbox, once per notice, even from two processes at once.
import type { DataSource } from 'typeorm';
import { loadPolicyStages } from '../../../src/db/policy-stages';
import { announcePassedDeadlines } from '../../../src/notify/announce-deadlines';
import type { PolicyStage } from '../../../src/policy/types';
import { runCli } from '../../support/cli';
import { connectTo, useMigratedDatabase } from '../../support/database';
import { outboxOf } from '../../support/events';
import { anAccount, DAY_MS, daysAfter, insertAccounts } from '../../support/factories';

const NOW = new Date('2026-11-25T08:00:00Z');
const rules = { hysteresisRatio: 0.9 };
const migrated = useMigratedDatabase();
let first: DataSource;
let second: DataSource; // a second pool, as a second process would have
let initial: PolicyStage; // 1,000,000 followers, 13 days' notice, on consent

beforeAll(async () => {
  first = migrated.dataSource;
  second = await connectTo(migrated.database);
  initial = (await loadPolicyStages(first)).find((stage) => stage.name === 'initial')!;
});
afterAll(async () => {
  await second?.destroy();
});

const announce = async (dataSource: DataSource, now = NOW, chunkSize?: number) =>
  announcePassedDeadlines(dataSource, {
    stages: await loadPolicyStages(dataSource),
    rules,
    now,
    ...(chunkSize !== undefined && { chunkSize }),
  });

/** Notified under "initial" `daysAgo` days before NOW, without an answer. */
const toldDaysAgo = (userId: string, daysAgo: number, fields: Parameters<typeof anAccount>[0] = {}) =>
  anAccount({
    userId,
    followerCount: 1_500_000,
    notifiedAt: new Date(NOW.getTime() - daysAgo * DAY_MS),
    notifiedStageId: initial.id,
    ...fields,
  });

it('announces an account whose notice ran out: REFUSED and restricted, in the outbox, once', async () => {
  await insertAccounts(first, [toldDaysAgo('ran-out', 14), toldDaysAgo('still-running', 12)]);
  expect(await announce(first)).toBe(1);
  expect(await outboxOf(first, 'ran-out')).toEqual(['LABEL_CHANGED REFUSED restricted']);
  expect(await outboxOf(first, 'still-running')).toEqual([]);
  expect(await announce(first)).toBe(0);
  expect(await outboxOf(first, 'ran-out')).toEqual(['LABEL_CHANGED REFUSED restricted']);
  // At the instant of its deadline, the other one's turn.
  expect(await announce(first, daysAfter(NOW, 1))).toBe(1);
  expect(await outboxOf(first, 'still-running')).toEqual(['LABEL_CHANGED REFUSED restricted']);
});

it('two runs at the same time announce each account once', async () => {
  const many = Array.from({ length: 300 }, (_, index) => toldDaysAgo(`race-${String(index).padStart(3, '0')}`, 20));
  await insertAccounts(first, many);
  const [a, b] = await Promise.all([announce(first, NOW, 50), announce(second, NOW, 50)]);
  expect(a + b).toBe(300);
  const [{ n }] = await first.query(
    "SELECT COUNT(*) AS n FROM notification_outbox WHERE user_id LIKE 'race-%' AND kind = 'LABEL_CHANGED'",
  );
  expect(Number(n)).toBe(300);
});

it('announces nothing for a deadline that moved nothing: an answer given before it', async () => {
  await insertAccounts(first, [
    toldDaysAgo('consented', 30, { consent: 'YES', consentAt: new Date(NOW.getTime() - 29 * DAY_MS) }),
    toldDaysAgo('refused', 30, { consent: 'NO', consentAt: new Date(NOW.getTime() - 29 * DAY_MS) }),
  ]);
  expect(await announce(first)).toBe(0);
  expect(await outboxOf(first, 'consented')).toEqual([]);
  expect(await outboxOf(first, 'refused')).toEqual([]);
});

it('a notice given again has a deadline of its own, announced in its turn', async () => {
  await insertAccounts(first, [toldDaysAgo('told-again', 14)]);
  expect(await announce(first)).toBe(1);
  await first.query('UPDATE accounts SET notified_at = ? WHERE user_id = ?', ['2026-11-24 08:00:00.000', 'told-again']);
  expect(await announce(first)).toBe(0);
  expect(await announce(first, daysAfter(NOW, 13))).toBe(1);
  expect(await outboxOf(first, 'told-again')).toEqual([
    'LABEL_CHANGED REFUSED restricted',
    'LABEL_CHANGED REFUSED restricted',
  ]);
});

it('`identity-labels notify` announces them too, and says how many', async () => {
  await insertAccounts(first, [
    anAccount({
      userId: 'cli-ran-out',
      followerCount: 1_500_000,
      notifiedAt: new Date(Date.now() - 14 * DAY_MS),
      notifiedStageId: initial.id,
    }),
  ]);
  const result = await runCli(['notify'], { DATABASE_URL: migrated.database.url });
  expect(result).toMatchObject({ code: 0, stdout: 'notify: 0 notified, 0 notices withdrawn, 1 deadlines passed\n' });
  expect(await outboxOf(first, 'cli-ran-out')).toEqual(['LABEL_CHANGED REFUSED restricted']);
});

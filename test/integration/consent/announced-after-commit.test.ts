// The consent write tells the other instances after its commit, never before: a caller that stopped waiting
// (the write's time bound) must not make another instance forget the row while the old one can still be read
// and cached again.
import { setRealNameConsent } from '../../../src/consent/set-consent';
import { DatabaseTimeoutError } from '../../../src/db/database-errors';
import { anAccount, aStage, insertAccounts } from '../../support/factories';
import { useMigratedDatabase } from '../../support/database';

const db = useMigratedDatabase();
const NOW = new Date('2026-11-25T08:00:00Z');
const stages = [{ ...aStage(), id: 1 }];
const rules = { hysteresisRatio: 0.9 };

async function storedConsent(userId: string): Promise<string | undefined> {
  const rows = (await db.dataSource.query('SELECT consent FROM accounts WHERE user_id = ?', [userId])) as {
    consent: string;
  }[];
  return rows[0]?.consent;
}

it('a write that outlives its time bound is announced once committed, with the new answer readable', async () => {
  await insertAccounts(db.dataSource, [
    anAccount({ userId: 'slow-answer', followerCount: 2_000_000, notifiedAt: new Date('2026-11-20T00:00:00Z') }),
  ]);
  // Another writer holds the row: the consent write waits for it past its time bound.
  const otherWriter = db.dataSource.createQueryRunner();
  await otherWriter.startTransaction();
  await otherWriter.query("SELECT user_id FROM accounts WHERE user_id = 'slow-answer' FOR UPDATE");
  let readWhenTold: Promise<string | undefined> | undefined;
  const told = new Promise<readonly string[]>((resolve) => {
    const onCommitted = (userIds: readonly string[]) => {
      readWhenTold = storedConsent('slow-answer'); // what another instance reads once told
      resolve(userIds);
    };
    const answer = setRealNameConsent(db.dataSource, 'slow-answer', true, {
      stages,
      rules,
      now: NOW,
      timeoutMs: 200,
      onCommitted,
    });
    void expect(answer)
      .rejects.toBeInstanceOf(DatabaseTimeoutError)
      .then(async () => {
        await otherWriter.commitTransaction();
        await otherWriter.release();
      });
  });
  expect(await told).toEqual(['slow-answer']);
  expect(await readWhenTold).toBe('YES');
});

it('an answer that changes nothing is not announced', async () => {
  await insertAccounts(db.dataSource, [anAccount({ userId: 'same-answer', consent: 'NO', consentAt: NOW })]);
  const told: string[] = [];
  await setRealNameConsent(db.dataSource, 'same-answer', false, {
    stages,
    rules,
    now: NOW,
    timeoutMs: 10_000,
    onCommitted: (userIds) => told.push(...userIds),
  });
  expect(told).toEqual([]);
});

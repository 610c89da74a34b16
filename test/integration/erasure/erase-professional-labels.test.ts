// Erasure of an account's professional labels on MySQL: its credentials and MCN agency are deleted, their
// history stays under the pseudonym without the credentials' and agency's names, an account known only by
// its labels is erased too (not "unknown"), and no later import or event brings them back.
import { PseudonymKey } from '../../../src/crypto/pseudonym-key';
import { loadPolicyStages } from '../../../src/db/policy-stages';
import { eraseAccounts, type ErasureOptions } from '../../../src/erasure/erase-accounts';
import { changeMcnAgencies } from '../../../src/professional-recording/change-mcn-agencies';
import { changeQualifications } from '../../../src/professional-recording/change-qualifications';
import type { QualificationRecord } from '../../../src/professional/professional-record';
import { useMigratedDatabase } from '../../support/database';
import { everyStoredValue } from '../../support/ip-locations';
import { aCredential, labelChangeRows } from '../../support/professional';

const db = useMigratedDatabase();
const pseudonymKey = PseudonymKey.parse('AZTynN10d3740gdhZE4XV716Z0wRyxSJpM4gOSRoQY8=');
const changeOptions = { now: new Date(), pseudonymKey };

async function erasureOptions(): Promise<ErasureOptions> {
  return {
    pseudonymKey,
    stages: await loadPolicyStages(db.dataSource),
    rules: { hysteresisRatio: 0.9 },
    now: new Date(),
    cause: 'test erasure',
    batchSize: 100,
    onCommitted: () => undefined,
  };
}

const credentialsOf = (userId: string): { change: QualificationRecord; cause: string }[] => [
  { change: aCredential({ userId, title: '执业医师' }), cause: 'test' },
  { change: aCredential({ userId, field: 'LAW', title: '律师执业证', issuer: '北京市司法局' }), cause: 'test' },
];

describe('an account known only by its credentials and MCN agency', () => {
  const userId = 'labelled-only-5c1e';

  beforeAll(async () => {
    await changeQualifications(db.dataSource, [...credentialsOf(userId), ...credentialsOf('keep-me')], changeOptions);
    await changeMcnAgencies(
      db.dataSource,
      [{ change: { userId, agency: '一家很好认的传媒公司', since: null }, cause: 'test' }],
      changeOptions,
    );
    await changeQualifications(
      db.dataSource,
      [{ change: { userId, field: 'LAW', title: '律师执业证', revoked: true }, cause: 'test' }],
      changeOptions,
    );
  });

  it('is erased (it was held), and no table holds its id, its credentials or its agency any more', async () => {
    expect(await eraseAccounts(db.dataSource, [userId], await erasureOptions())).toEqual({
      erased: 1,
      'already-erased': 0,
      unknown: 0,
    });
    const everything = await everyStoredValue(db.dataSource);
    expect(everything).not.toContain(userId);
    expect(everything).not.toContain('一家很好认的传媒公司');
    expect(await db.dataSource.query('SELECT user_id FROM qualifications WHERE user_id = ?', [userId])).toEqual([]);
    expect(await db.dataSource.query('SELECT user_id FROM mcn_agencies WHERE user_id = ?', [userId])).toEqual([]);
    expect((await db.dataSource.query('SELECT user_id FROM qualifications')).length).toBe(2); // keep-me's
  });

  it('keeps its label history under its pseudonym: the events, fields and times, no title, issuer or agency', async () => {
    const theirs = await labelChangeRows(db.dataSource, pseudonymKey.of(userId));
    expect(theirs.map((row) => [row.event, row.field, row.title, row.issuer, row.agency, Number(row.erased)])).toEqual([
      ['QUALIFICATION_GRANTED', 'MEDICAL', null, null, null, 1],
      ['QUALIFICATION_GRANTED', 'LAW', null, null, null, 1],
      ['MCN_JOINED', null, null, null, null, 1],
      ['QUALIFICATION_REVOKED', 'LAW', null, null, null, 1],
    ]);
    expect((await labelChangeRows(db.dataSource, 'keep-me')).map((row) => row.title)).toEqual([
      '执业医师',
      '律师执业证',
    ]);
  });

  it('a later import or event of its labels is skipped, and nothing of it is stored', async () => {
    const outcomes = await changeQualifications(db.dataSource, credentialsOf(userId), changeOptions);
    expect(outcomes).toEqual(['erased', 'erased']);
    expect(
      await changeMcnAgencies(
        db.dataSource,
        [{ change: { userId, agency: '星河', since: null }, cause: 'event user.mcn.changed' }],
        changeOptions,
      ),
    ).toEqual(['erased']);
    expect(await everyStoredValue(db.dataSource)).not.toContain(userId);
  });
});

it('an erasure racing a grant of credentials to the same new account never ends with them stored', async () => {
  const options = await erasureOptions();
  for (let round = 0; round < 15; round += 1) {
    const userId = `race-${round}`;
    await Promise.all([
      changeQualifications(db.dataSource, credentialsOf(userId), changeOptions),
      eraseAccounts(db.dataSource, [userId], options),
    ]);
    const rows = (await db.dataSource.query('SELECT user_id FROM qualifications WHERE user_id = ?', [
      userId,
    ])) as unknown[];
    expect({ round, rows }).toEqual({ round, rows: [] });
  }
});

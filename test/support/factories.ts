// Small builders for test data: a valid default, overridden by what the test is about.
import type { DataSource } from 'typeorm';
import { upsertAccounts } from '../../src/db/account-rows';
import { StoredRealName, type RealNames } from '../../src/real-names/real-names';
import { PolicyStagesTable } from '../../src/db/tables';
import type { AccountFacts, PolicyStage } from '../../src/policy/types';
import { testRealNames } from './real-names';

export { DAY_MS, daysAfter } from '../../src/policy/time';

let sequence = 0;

/** An account's fields as a test states them: the real name as text. */
export type AccountFields = Partial<Omit<AccountFacts, 'realName'>> & { realName?: string | null };

/** An account whose name is plain text until insertAccounts stores it (encrypted under the test key). */
export function anAccount({ realName = `Real Name ${sequence + 1}`, ...fields }: AccountFields = {}): AccountFacts {
  sequence += 1;
  const account: Omit<AccountFacts, 'realName'> = {
    userId: `user-${sequence}`,
    subjectKind: 'INDIVIDUAL',
    verification: 'VERIFIED',
    followerCount: 0,
    category: null,
    notifiedAt: null,
    notifiedStageId: null,
    consent: 'NONE',
    consentAt: null,
    ...fields,
  };
  return { ...account, realName: realName === null ? null : StoredRealName.fromPlainText(account.userId, realName) };
}

export function aStage(fields: Partial<PolicyStage> = {}): PolicyStage {
  sequence += 1;
  return {
    id: sequence,
    name: `stage-${sequence}`,
    minFollowers: 1_000_000,
    categories: null,
    effectiveFrom: new Date('2023-10-30T16:00:00Z'),
    noticeDays: 13,
    mode: 'CONSENT',
    retiredAt: null,
    ...fields,
  };
}

/** Stores the accounts as the service would: names encrypted under the test key (plain with plainRealNames). */
export async function insertAccounts(
  dataSource: DataSource,
  accounts: AccountFacts[],
  realNames: RealNames = testRealNames,
): Promise<void> {
  const sealed = accounts.map((account) => ({
    ...account,
    realName: account.realName && realNames.reseal(account.realName),
  }));
  for (let start = 0; start < sealed.length; start += 500) {
    await upsertAccounts(dataSource.manager, sealed.slice(start, start + 500));
  }
}

/** Replaces the policy with exactly these stages (ids are assigned by the database). */
export async function replaceStages(dataSource: DataSource, stages: Omit<PolicyStage, 'id'>[]): Promise<void> {
  const repository = dataSource.getRepository(PolicyStagesTable);
  await repository.clear();
  for (const stage of stages) {
    const { id: _ignored, ...fields } = stage as PolicyStage;
    await repository.insert(fields);
  }
}

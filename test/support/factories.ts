// Small builders for test data: a valid default, overridden by what the test is about.
import type { DataSource } from 'typeorm';
import { AccountsTable, PolicyStagesTable } from '../../src/db/tables';
import type { AccountFacts, PolicyStage } from '../../src/policy/types';

export { DAY_MS, daysAfter } from '../../src/policy/time';

let sequence = 0;

export function anAccount(fields: Partial<AccountFacts> = {}): AccountFacts {
  sequence += 1;
  return {
    userId: `user-${sequence}`,
    realName: `Real Name ${sequence}`,
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

export async function insertAccounts(dataSource: DataSource, accounts: AccountFacts[]): Promise<void> {
  for (let start = 0; start < accounts.length; start += 500) {
    // updateEntity(false): TypeORM would otherwise re-read the rows and write them back into these objects,
    // matched by position, not by key.
    const batch = accounts.slice(start, start + 500);
    await dataSource.createQueryBuilder().insert().into(AccountsTable).values(batch).updateEntity(false).execute();
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

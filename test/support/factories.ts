// Small builders for test data: a valid default, overridden by what the test is about.
import type { DataSource } from 'typeorm';
import { Account } from '../../src/db/entities/account';
import { PolicyStage } from '../../src/db/entities/policy-stage';
import type { AccountFacts, Stage } from '../../src/policy/types';

export const DAY_MS = 24 * 60 * 60 * 1000;

export function daysAfter(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

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

export function aStage(fields: Partial<Stage> = {}): Stage {
  sequence += 1;
  return {
    id: sequence,
    name: `stage-${sequence}`,
    minFollowers: 1_000_000,
    categories: null,
    effectiveFrom: new Date('2023-10-30T16:00:00Z'),
    noticeDays: 13,
    mode: 'CONSENT',
    ...fields,
  };
}

export async function insertAccounts(dataSource: DataSource, accounts: AccountFacts[]): Promise<void> {
  const repository = dataSource.getRepository(Account);
  for (let start = 0; start < accounts.length; start += 500) {
    await repository.insert(accounts.slice(start, start + 500).map((facts) => Object.assign(new Account(), facts)));
  }
}

/** Replaces the policy with exactly these stages (ids are assigned by the database). */
export async function replaceStages(dataSource: DataSource, stages: Omit<Stage, 'id'>[]): Promise<void> {
  const repository = dataSource.getRepository(PolicyStage);
  await repository.clear();
  for (const stage of stages) {
    const { id: _ignored, ...fields } = stage as Stage;
    await repository.insert(Object.assign(new PolicyStage(), fields));
  }
}

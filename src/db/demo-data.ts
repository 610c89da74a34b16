// A small data set for the embedded database: one account in every status under the default policy, so a
// new user sees every label without importing anything. Dates are relative to start-up.
import type { DataSource } from 'typeorm';
import { newAccount } from './account-writes';
import { Account } from './entities/account';
import { PolicyStage } from './entities/policy-stage';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The seeded stages' ids by name: each notified demo account was told under one of them. */
export type StageIds = Record<'initial' | 'expanded', number>;

export function demoAccounts(now: Date, stageIds: StageIds): Account[] {
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const account = (fields: Partial<Account> & Pick<Account, 'userId'>): Account =>
    Object.assign(newAccount(fields.userId), { subjectKind: 'INDIVIDUAL' }, fields);
  return [
    // Above 1,000,000 followers, verified, consented: the name is shown.
    account({
      userId: 'demo-disclosed',
      realName: 'Zhang Wei',
      verification: 'VERIFIED',
      followerCount: 2_400_000,
      category: 'current-affairs',
      notifiedAt: daysAgo(40),
      notifiedStageId: stageIds.initial,
      consent: 'YES',
      consentAt: daysAgo(35),
    }),
    // An organization shows its registered organization name.
    account({
      userId: 'demo-organization',
      realName: 'Hangzhou Evening News Media Co., Ltd.',
      subjectKind: 'ORGANIZATION',
      verification: 'VERIFIED',
      followerCount: 1_300_000,
      category: 'current-affairs',
      notifiedAt: daysAgo(30),
      notifiedStageId: stageIds.initial,
      consent: 'YES',
      consentAt: daysAgo(29),
    }),
    // Above 500,000, notified two days ago, no answer yet: the 9-day notice runs.
    account({
      userId: 'demo-notice',
      realName: 'Li Na',
      verification: 'VERIFIED',
      followerCount: 720_000,
      category: 'finance',
      notifiedAt: daysAgo(2),
      notifiedStageId: stageIds.expanded,
    }),
    // Subject and answered no: restricted, name hidden.
    account({
      userId: 'demo-refused',
      realName: 'Wang Fang',
      verification: 'VERIFIED',
      followerCount: 1_800_000,
      category: 'law',
      notifiedAt: daysAgo(20),
      notifiedStageId: stageIds.initial,
      consent: 'NO',
      consentAt: daysAgo(18),
    }),
    // Notified a month ago and never answered: the consent deadline passed.
    account({
      userId: 'demo-deadline-passed',
      realName: 'Liu Yang',
      verification: 'VERIFIED',
      followerCount: 650_000,
      category: 'health',
      notifiedAt: daysAgo(30),
      notifiedStageId: stageIds.expanded,
    }),
    // Subject but the verified name was revoked: nothing to show, restricted after the deadline.
    account({
      userId: 'demo-unverified',
      realName: 'Chen Jing',
      verification: 'REVOKED',
      followerCount: 3_100_000,
      category: 'politics',
      notifiedAt: daysAgo(25),
      notifiedStageId: stageIds.initial,
    }),
    // Below every threshold.
    account({
      userId: 'demo-small',
      realName: 'Zhao Lei',
      verification: 'VERIFIED',
      followerCount: 12_000,
      category: 'travel',
    }),
    // Below every threshold but chose to show the name anyway.
    account({
      userId: 'demo-voluntary',
      realName: 'Sun Li',
      verification: 'VERIFIED',
      followerCount: 86_000,
      category: 'technology',
      consent: 'YES',
      consentAt: daysAgo(100),
    }),
  ];
}

export async function seedDemoData(dataSource: DataSource, now: Date): Promise<number> {
  const stages = await dataSource.getRepository(PolicyStage).find();
  const idOf = (name: string) => stages.find((stage) => stage.name === name)!.id;
  const accounts = demoAccounts(now, { initial: idOf('initial'), expanded: idOf('expanded') });
  await dataSource.getRepository(Account).insert(accounts);
  return accounts.length;
}

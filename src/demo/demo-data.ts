// The demo people: one account in every status under the default policy, so a new user sees every label
// without importing anything. The embedded database is seeded with them, and the tests use the same people.
// Dates are relative to `now`. Their names are plain text here, as the platform hands them over; seeding
// encrypts them.
import type { DataSource } from 'typeorm';
import type { AccountFacts } from '../policy/types';
import { daysAfter } from '../policy/time';
import { newAccount, storeSeededAccounts } from '../db/account-writes';
import { writeMcnAgencies, writeQualifications } from '../db/professional-rows';
import type { StoredMcnAgency } from '../professional/label';
import type { StoredQualification } from '../professional/qualification';
import { inWriteTransaction } from '../db/write-transaction';
import { StoredRealName, type RealNames } from '../real-names/real-names';
import { PolicyStagesTable } from '../db/tables';

/** The seeded stages' ids by name: each notified demo account was told under one of them. */
export type StageIds = Record<'initial' | 'expanded', number>;

export type DemoPerson =
  'disclosed' | 'organization' | 'notice' | 'refused' | 'deadline-passed' | 'unverified' | 'small' | 'voluntary';

/** A verified individual unless said otherwise, user id `demo-<person>`. */
function account(
  person: DemoPerson,
  { realName, ...fields }: Partial<Omit<AccountFacts, 'realName'>> & { realName: string },
): AccountFacts {
  return {
    ...newAccount(`demo-${person}`),
    subjectKind: 'INDIVIDUAL',
    verification: 'VERIFIED',
    ...fields,
    realName: StoredRealName.fromPlainText(`demo-${person}`, realName),
  };
}

/** Every demo account by person; each one's user id is `demo-<person>`. */
export function demoAccounts(now: Date, stageIds: StageIds): Record<DemoPerson, AccountFacts> {
  const daysAgo = (days: number) => daysAfter(now, -days);
  return {
    // Above 1,000,000 followers, verified, consented: the name is shown.
    disclosed: account('disclosed', {
      realName: 'Zhang Wei',
      followerCount: 2_400_000,
      category: 'current-affairs',
      notifiedAt: daysAgo(40),
      notifiedStageId: stageIds.initial,
      consent: 'YES',
      consentAt: daysAgo(35),
    }),
    // An organization shows its registered organization name.
    organization: account('organization', {
      realName: 'Hangzhou Evening News Media Co., Ltd.',
      subjectKind: 'ORGANIZATION',
      followerCount: 1_300_000,
      category: 'current-affairs',
      notifiedAt: daysAgo(30),
      notifiedStageId: stageIds.initial,
      consent: 'YES',
      consentAt: daysAgo(29),
    }),
    // Above 500,000, notified two days ago, no answer yet: the 9-day notice runs.
    notice: account('notice', {
      realName: 'Li Na',
      followerCount: 720_000,
      category: 'finance',
      notifiedAt: daysAgo(2),
      notifiedStageId: stageIds.expanded,
    }),
    // Subject and answered no: restricted, name hidden.
    refused: account('refused', {
      realName: 'Wang Fang',
      followerCount: 1_800_000,
      category: 'law',
      notifiedAt: daysAgo(20),
      notifiedStageId: stageIds.initial,
      consent: 'NO',
      consentAt: daysAgo(18),
    }),
    // Notified a month ago and never answered: the consent deadline passed.
    'deadline-passed': account('deadline-passed', {
      realName: 'Liu Yang',
      followerCount: 650_000,
      category: 'health',
      notifiedAt: daysAgo(30),
      notifiedStageId: stageIds.expanded,
    }),
    // Subject but the verified name was revoked: nothing to show, restricted after the deadline.
    unverified: account('unverified', {
      realName: 'Chen Jing',
      verification: 'REVOKED',
      followerCount: 3_100_000,
      category: 'politics',
      notifiedAt: daysAgo(25),
      notifiedStageId: stageIds.initial,
    }),
    // Below every threshold.
    small: account('small', { realName: 'Zhao Lei', followerCount: 12_000, category: 'travel' }),
    // Below every threshold but chose to show the name anyway.
    voluntary: account('voluntary', {
      realName: 'Sun Li',
      followerCount: 86_000,
      category: 'technology',
      consent: 'YES',
      consentAt: daysAgo(100),
    }),
  };
}

export interface DemoProfessionalLabels {
  qualifications: StoredQualification[];
  agencies: StoredMcnAgency[];
}

/**
 * The demo people's credentials and MCN agencies: a finance credential in force, a doctor's licence that
 * never expires, a lawyer's licence expired ten days ago (its posts on law lose their label), a teacher who
 * posts on technology (a profile label, no post label); two accounts run by MCN agencies.
 */
export function demoProfessionalLabels(now: Date): DemoProfessionalLabels {
  const daysAgo = (days: number) => daysAfter(now, -days);
  return {
    qualifications: [
      {
        userId: 'demo-notice',
        field: 'FINANCE',
        title: '证券从业资格',
        issuer: '中国证券业协会',
        verifiedAt: daysAgo(200),
        expiresAt: daysAfter(now, 900),
      },
      {
        userId: 'demo-deadline-passed',
        field: 'MEDICAL',
        title: '执业医师',
        issuer: '国家卫生健康委员会',
        verifiedAt: daysAgo(400),
        expiresAt: null,
      },
      {
        userId: 'demo-refused',
        field: 'LAW',
        title: '律师执业证',
        issuer: '北京市司法局',
        verifiedAt: daysAgo(800),
        expiresAt: daysAgo(10),
      },
      {
        userId: 'demo-voluntary',
        field: 'EDUCATION',
        title: '教师资格证',
        issuer: null,
        verifiedAt: daysAgo(90),
        expiresAt: null,
      },
    ],
    agencies: [
      { userId: 'demo-disclosed', name: '星河文化传媒', since: daysAgo(300) },
      { userId: 'demo-small', name: '青禾MCN', since: daysAgo(20) },
    ],
  };
}

/** Stores credentials and agencies as given, with no audit: the demo's past has no history of its own. */
export async function storeSeededProfessionalLabels(
  dataSource: DataSource,
  labels: DemoProfessionalLabels,
): Promise<void> {
  await inWriteTransaction(dataSource, async (manager) => {
    await writeQualifications(manager, { inserted: labels.qualifications, updated: [], deleted: [] });
    await writeMcnAgencies(manager, { inserted: labels.agencies, updated: [], deleted: [] });
  });
}

/**
 * Seeds a freshly migrated database with the demo accounts, their names encrypted, and their credentials and
 * agencies; returns how many accounts.
 */
export async function seedDemoData(dataSource: DataSource, now: Date, realNames: RealNames): Promise<number> {
  const stages = await dataSource.getRepository(PolicyStagesTable).find();
  const idOf = (name: string): number => {
    const stage = stages.find((candidate) => candidate.name === name);
    if (stage === undefined) throw new Error(`the default policy has no stage "${name}": the demo needs it`);
    return stage.id;
  };
  const accounts = Object.values(demoAccounts(now, { initial: idOf('initial'), expanded: idOf('expanded') }));
  const sealed = accounts.map((account) => ({
    ...account,
    realName: account.realName && realNames.reseal(account.realName),
  }));
  await inWriteTransaction(dataSource, (manager) => storeSeededAccounts(manager, sealed));
  await storeSeededProfessionalLabels(dataSource, demoProfessionalLabels(now));
  return accounts.length;
}

// One account in every status at NOW under the default policy, shared by the tests that check what each
// status looks like (through the subgraph alone, and through a gateway).
import { anAccount, daysAfter } from './factories';

export const NOW = new Date('2026-11-25T08:00:00Z');
export const daysAgo = (days: number) => daysAfter(NOW, -days);

/** The default stages, as the migration seeds them into a fresh database (in this order). */
export const INITIAL_STAGE_ID = 1;
export const EXPANDED_STAGE_ID = 2;

export const accountsInEveryStatus = {
  small: anAccount({ userId: 'small', realName: 'Zhao Lei', followerCount: 12_000 }),
  disclosed: anAccount({
    userId: 'disclosed',
    realName: 'Zhang Wei',
    followerCount: 2_400_000,
    notifiedAt: daysAgo(40),
    notifiedStageId: INITIAL_STAGE_ID,
    consent: 'YES',
    consentAt: daysAgo(35),
  }),
  organization: anAccount({
    userId: 'organization',
    realName: 'Evening News Media Co., Ltd.',
    subjectKind: 'ORGANIZATION',
    followerCount: 1_300_000,
    notifiedAt: daysAgo(30),
    notifiedStageId: INITIAL_STAGE_ID,
    consent: 'YES',
    consentAt: daysAgo(29),
  }),
  notice: anAccount({
    userId: 'notice',
    realName: 'Li Na',
    followerCount: 720_000,
    notifiedAt: daysAgo(2),
    notifiedStageId: EXPANDED_STAGE_ID,
  }),
  refused: anAccount({
    userId: 'refused',
    realName: 'Wang Fang',
    followerCount: 1_800_000,
    notifiedAt: daysAgo(20),
    notifiedStageId: INITIAL_STAGE_ID,
    consent: 'NO',
    consentAt: daysAgo(18),
  }),
  unverified: anAccount({
    userId: 'unverified',
    realName: 'Chen Jing',
    verification: 'REVOKED',
    followerCount: 3_100_000,
    notifiedAt: daysAgo(25),
    notifiedStageId: INITIAL_STAGE_ID,
  }),
};

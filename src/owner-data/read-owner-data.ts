// The owner's view and copy of what this service holds about its account (PIPL Art. 45): its verified name,
// its label as others see it and why, every IP location recorded for its posts, its credentials and MCN
// agency with their history, and its audit history. Read
// from the primary, so that an owner who just answered sees the answer. Given to the account's owner alone:
// the callers (the myIdentityData query, `identity-labels accounts export`) establish who asks.
import type { DataSource } from 'typeorm';
import { selectAccounts } from '../db/account-rows';
import { auditEntriesOf } from '../db/audit-log';
import { selectLocationsOfUser, selectUserLocations } from '../db/ip-location-rows';
import {
  labelChangesOf,
  selectMcnAgencies,
  selectQualifications,
  type LabelChangeEntry,
} from '../db/professional-rows';
import { ipLocationOf, type IpLocation, type IpLocationLanguage } from '../ip-location/label';
import type { AuditEvent } from '../policy/audit-events';
import { explainLabel, type LabelExplanation } from '../policy/explanation';
import { decideIdentityLabel, type IdentityLabel, type LabelSettings } from '../policy/label';
import type { DisclosureStatus, PolicyStage, RealNameOpener, Verification } from '../policy/types';
import {
  mcnAgencyOf,
  qualificationOf,
  type LabelLanguage,
  type McnAgency,
  type Qualification,
} from '../professional/label';
import { isInForce, qualificationsInForce } from '../professional/qualification';

/**
 * Another signed-in, verified viewer: the most any viewer but the owner is shown. Its id has a control
 * character, which no account's id may have (src/user-id.ts), so it is never the owner's.
 */
const ANOTHER_VERIFIED_VIEWER = { id: '\u0000another viewer', verified: true } as const;

export interface OwnedIpLocation extends IpLocation {
  /** null for the account's latest (what its profile shows). */
  postId: string | null;
}

export interface HistoryEntry {
  at: Date;
  event: AuditEvent;
  oldStatus: DisclosureStatus;
  newStatus: DisclosureStatus;
  stage: string | null;
}

export interface OwnedQualification extends Qualification {
  /** In force now: shown on the profile, and counting for mayPublishIn. */
  inForce: boolean;
}

export interface OwnedMcnAgency extends McnAgency {
  since: Date;
}

export type { LabelChangeEntry };

export interface OwnerData {
  userId: string;
  /** The owner's own verified name, whether or not it is disclosed; null when none is held. */
  realName: string | null;
  verification: Verification | null;
  identityLabel: IdentityLabel;
  explanation: LabelExplanation;
  ipLocations: OwnedIpLocation[];
  history: HistoryEntry[];
  /** Every credential held, expired ones included: those in force first, as the profile lists them. */
  qualifications: OwnedQualification[];
  mcnAgency: OwnedMcnAgency | null;
  /** The credentials' and agencies' changes, oldest first. */
  labelHistory: LabelChangeEntry[];
}

export interface OwnerDataOptions {
  stages: readonly PolicyStage[];
  now: Date;
  settings: LabelSettings;
  openRealName: RealNameOpener;
  language: IpLocationLanguage;
  professionalLanguage: LabelLanguage;
  /** Most post locations listed, the most recent first (the export lists them all). */
  maxLocations: number;
}

/** Every credential held: those in force first, as the profile lists them, then the expired ones, the latest first. */
async function ownedQualifications(
  dataSource: DataSource,
  userId: string,
  now: Date,
  language: LabelLanguage,
): Promise<OwnedQualification[]> {
  const held = await selectQualifications(dataSource.manager, [userId]);
  const expired = held
    .filter((qualification) => !isInForce(qualification, now))
    .sort((a, b) => b.expiresAt!.getTime() - a.expiresAt!.getTime());
  return [...qualificationsInForce(held, now), ...expired].map((qualification) => ({
    ...qualificationOf(qualification, language),
    inForce: isInForce(qualification, now),
  }));
}

async function ownedMcnAgency(dataSource: DataSource, userId: string, language: LabelLanguage) {
  const [agency] = await selectMcnAgencies(dataSource.manager, [userId]);
  return agency === undefined ? null : { ...mcnAgencyOf(agency, language), since: agency.since };
}

export async function readOwnerData(
  dataSource: DataSource,
  userId: string,
  options: OwnerDataOptions,
): Promise<OwnerData> {
  const [account] = await selectAccounts(dataSource.manager, [userId]);
  const [latest] = await selectUserLocations(dataSource.manager, [userId]);
  const posts = await selectLocationsOfUser(dataSource.manager, userId, options.maxLocations);
  const audit = await auditEntriesOf(dataSource, userId);
  const { stages, now, settings, language } = options;
  return {
    userId,
    realName: account?.realName ? options.openRealName(account.realName) : null,
    verification: account?.verification ?? null,
    identityLabel: decideIdentityLabel(account, stages, now, ANOTHER_VERIFIED_VIEWER, settings, options.openRealName),
    explanation: explainLabel(account, stages, now, settings),
    ipLocations: [
      ...(latest === undefined ? [] : [{ ...ipLocationOf(latest, language), postId: null }]),
      ...posts.map((location) => ({ ...ipLocationOf(location, language), postId: location.postId })),
    ],
    history: audit.map((entry) => ({
      at: entry.at,
      event: entry.event,
      oldStatus: entry.oldStatus,
      newStatus: entry.newStatus,
      stage: entry.stageName,
    })),
    qualifications: await ownedQualifications(dataSource, userId, now, options.professionalLanguage),
    mcnAgency: await ownedMcnAgency(dataSource, userId, options.professionalLanguage),
    labelHistory: await labelChangesOf(dataSource.manager, userId),
  };
}

// What every resolver of one request can reach: the viewer, the request's own loaders, and the
// services the app hands the GraphQL layer once, at start-up.
import type { ConsentService } from '../consent/consent-service';
import type { OwnerData } from '../owner-data/read-owner-data';
import type { IpLocationLanguage } from '../ip-location/label';
import { viewerMaySeeIpLocation, type IpLocationViewers } from '../ip-location/visibility';
import { createIdentityLoader, type AccountSource, type IdentityLoader } from '../loaders/identity-loader';
import type { NotSubjectNotes } from '../loaders/not-subject-notes';
import { createIpLocationLoader, type IpLocationLoader, type IpLocationSource } from '../loaders/ip-location-loader';
import {
  createProfessionalLoader,
  type ProfessionalLoader,
  type ProfessionalSettings,
  type ProfessionalSource,
} from '../loaders/professional-loader';
import type { LabelSettings } from '../policy/label';
import type { PolicyStage, RealNameOpener, Viewer } from '../policy/types';
import { viewerFromHeaders } from './viewer';

export interface GraphQLServices {
  /** The read path's account rows (the cache, then a replica or the primary). */
  accounts: AccountSource;
  /** The consent mutation's use case: it stores the answer and tells the other instances. */
  consent: ConsentService;
  /** The owner's view of what is held about its own account (the caller checks who asks). */
  ownerData: { read(userId: string): Promise<OwnerData> };
  /** The stages in force, held in memory. */
  stages: { current(): readonly PolicyStage[] };
  /** The policy's notion of now; tests move it. */
  clock: () => Date;
  /** Decrypts a real name; the viewer gate calls it for the names it reveals, and for no other. */
  openRealName: RealNameOpener;
  settings: LabelSettings;
  displayNameFormat: string;
  /** The NOT_SUBJECT labels noted on cached rows, for this app's requests (loaders/not-subject-notes.ts). */
  notSubjectNotes: NotSubjectNotes;
  /** Largest IN list a read may send; bigger batches are split. */
  maxInList: number;
  ipLocations: IpLocationSource;
  ipLocationSettings: { language: IpLocationLanguage; viewers: IpLocationViewers };
  /** The accounts' credentials and MCN agencies, read afresh by every request. */
  professional: ProfessionalSource;
  professionalSettings: ProfessionalSettings;
}

export interface RequestContext {
  viewer: Viewer;
  /** This request's batch: every label it needs is decided from one account read. */
  identities: IdentityLoader;
  /** This request's batches of Post.ipLocation and User.ipLocation: one read each. */
  ipLocations: IpLocationLoader;
  /** This request's batches of credentials (every field that needs them) and MCN agencies: one read each. */
  professional: ProfessionalLoader;
  services: GraphQLServices;
}

/**
 * Built for every request from its raw header lines (Node's `rawHeaders`): a malformed or repeated viewer
 * header throws a 400 (BAD_REQUEST) before anything runs.
 */
export function createRequestContext(services: GraphQLServices, rawHeaders: readonly string[]): RequestContext {
  const viewer = viewerFromHeaders(rawHeaders);
  return {
    viewer,
    services,
    identities: createIdentityLoader({
      accounts: services.accounts,
      stages: () => services.stages.current(),
      clock: services.clock,
      openRealName: services.openRealName,
      viewer,
      settings: services.settings,
      maxBatchSize: services.maxInList,
      notSubjectNotes: services.notSubjectNotes,
    }),
    ipLocations: createIpLocationLoader({
      source: services.ipLocations,
      language: services.ipLocationSettings.language,
      visible: viewerMaySeeIpLocation(viewer, services.ipLocationSettings.viewers),
      maxBatchSize: services.maxInList,
    }),
    professional: createProfessionalLoader({
      source: services.professional,
      ...services.professionalSettings,
      clock: services.clock,
      maxBatchSize: services.maxInList,
    }),
  };
}

// What every resolver of one request can reach: the viewer, the request's own loaders, and the
// services the app hands the GraphQL layer once, at start-up.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { ChangeFeed } from '../changes/change-feed';
import type { AccountReader } from '../db/account-reader';
import type { IpLocationReader } from '../db/ip-location-reader';
import type { PolicyStageCache } from '../db/policy-stages';
import type { IpLocationLanguage } from '../ip-location/label';
import { viewerMaySeeIpLocation, type IpLocationViewers } from '../ip-location/visibility';
import { createIdentityLoader, type IdentityLoader } from '../loaders/identity-loader';
import { createIpLocationLoader, type IpLocationLoader } from '../loaders/ip-location-loader';
import type { LabelSettings } from '../policy/label';
import type { RealNameOpener, Viewer } from '../policy/types';
import { viewerFromHeaders } from './viewer';

export interface GraphQLServices {
  /** Writes (the consent mutation) go through it; reads go through `accounts`. */
  dataSource: DataSource;
  accounts: AccountReader;
  /** Tells every instance (this one at once) which accounts a write changed. */
  changes: Pick<ChangeFeed, 'announce'>;
  stages: PolicyStageCache;
  /** The policy's notion of now; tests move it. */
  clock: () => Date;
  /** Decrypts a real name; the viewer gate calls it for the names it reveals, and for no other. */
  openRealName: RealNameOpener;
  settings: LabelSettings;
  displayNameFormat: string;
  /** Largest IN list a read may send; bigger batches are split. */
  maxInList: number;
  ipLocations: IpLocationReader;
  ipLocationSettings: { language: IpLocationLanguage; viewers: IpLocationViewers };
  /** Longest a write (the consent mutation) may take, retries included. */
  writeTimeoutMs: number;
  log: Logger;
}

export interface RequestContext {
  viewer: Viewer;
  /** This request's batch: every label it needs is decided from one account read. */
  identities: IdentityLoader;
  /** This request's batches of Post.ipLocation and User.ipLocation: one read each. */
  ipLocations: IpLocationLoader;
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
    }),
    ipLocations: createIpLocationLoader({
      source: services.ipLocations,
      language: services.ipLocationSettings.language,
      visible: viewerMaySeeIpLocation(viewer, services.ipLocationSettings.viewers),
      maxBatchSize: services.maxInList,
    }),
  };
}

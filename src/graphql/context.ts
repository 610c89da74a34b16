// What every resolver of one request can reach: the viewer, the request's own label loader, and the
// services the app hands the GraphQL layer once, at start-up.
import type { IncomingHttpHeaders } from 'node:http';
import type { DataSource } from 'typeorm';
import type { AccountReader } from '../db/account-reader';
import type { PolicyStageCache } from '../db/policy-stages';
import { createIdentityLoader, type IdentityLoader } from '../loaders/identity-loader';
import type { LabelSettings } from '../policy/label';
import type { RealNameOpener, Viewer } from '../policy/types';
import { viewerFromHeaders } from './viewer';

export interface GraphQLServices {
  /** Writes (the consent mutation) go through it; reads go through `accounts`. */
  dataSource: DataSource;
  accounts: AccountReader;
  stages: PolicyStageCache;
  /** The policy's notion of now; tests move it. */
  clock: () => Date;
  /** Decrypts a real name; the viewer gate calls it for the names it reveals, and for no other. */
  openRealName: RealNameOpener;
  settings: LabelSettings;
  displayNameFormat: string;
  /** Largest IN list a read may send; bigger batches are split. */
  maxInList: number;
}

export interface RequestContext {
  viewer: Viewer;
  /** This request's batch: every label it needs is decided from one account read. */
  identities: IdentityLoader;
  services: GraphQLServices;
}

/** Built for every request: a malformed viewer header throws a 400 (BAD_REQUEST) before anything runs. */
export function createRequestContext(services: GraphQLServices, headers: IncomingHttpHeaders): RequestContext {
  const viewer = viewerFromHeaders(headers);
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
  };
}

// What every resolver of one request can reach. Built per request: it holds that request's viewer and batch.
import type { IdentityLoader } from '../loaders/identity-loader';
import type { Stage, Viewer } from '../policy/types';

export interface RequestContext {
  viewer: Viewer;
  identities: IdentityLoader;
  displayNameFormat: string;
  stages(): readonly Stage[];
}

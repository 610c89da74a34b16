// What every resolver of one request can reach. Built per request: it holds that request's viewer and batch.
import type { IdentityLoader } from '../loaders/identity-loader';
import type { IdentityLabelView } from '../policy/label';
import type { Stage, Viewer } from '../policy/types';

export interface RequestContext {
  viewer: Viewer;
  identities: IdentityLoader;
  displayNameFormat: string;
  stages(): readonly Stage[];
  /** Stores the signed-in viewer's consent answer for its own account and returns its new label. */
  setOwnConsent(consent: boolean): Promise<IdentityLabelView>;
}

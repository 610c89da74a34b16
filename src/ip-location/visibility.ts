// Who is shown IP locations (IP_LOCATION_VIEWERS). Platforms show them to everyone; a stricter setting
// hides them from anonymous or unverified viewers. It depends on the viewer alone: a post's key does not
// name its author (the contract asks no @requires for it), so an owner exception could not hold on posts.
import { REAL_NAME_VIEWER_SETTINGS, type Viewer } from '../policy/types';
import { viewerPasses } from '../policy/viewer-gate';

/** The same three settings as REAL_NAME_VIEWERS, set on their own. */
export const IP_LOCATION_VIEWER_SETTINGS = REAL_NAME_VIEWER_SETTINGS;
export type IpLocationViewers = (typeof IP_LOCATION_VIEWER_SETTINGS)[number];

export function viewerMaySeeIpLocation(viewer: Viewer, allowed: IpLocationViewers): boolean {
  return viewerPasses(viewer, allowed);
}

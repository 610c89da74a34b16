// Who is shown IP locations (IP_LOCATION_VIEWERS). Platforms show them to everyone; a stricter setting
// hides them from anonymous or unverified viewers. It depends on the viewer alone: a post's key does not
// name its author (the contract asks no @requires for it), so an owner exception could not hold on posts.
import type { Viewer } from '../policy/types';

export const IP_LOCATION_VIEWER_SETTINGS = ['anyone', 'signed-in', 'verified'] as const;
export type IpLocationViewers = (typeof IP_LOCATION_VIEWER_SETTINGS)[number];

export function viewerMaySeeIpLocation(viewer: Viewer, allowed: IpLocationViewers): boolean {
  switch (allowed) {
    case 'anyone':
      return true;
    case 'signed-in':
      return viewer.id !== null;
    case 'verified':
      return viewer.id !== null && viewer.verified;
  }
}

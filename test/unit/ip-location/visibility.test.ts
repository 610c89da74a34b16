// IP_LOCATION_VIEWERS: who is shown IP locations.
import { viewerMaySeeIpLocation } from '../../../src/ip-location/visibility';

const ANONYMOUS = { id: null, verified: false };
const SIGNED_IN = { id: 'viewer-2', verified: false };
const VERIFIED = { id: 'viewer-1', verified: true };

it.each([
  ['anyone', [true, true, true]],
  ['signed-in', [false, true, true]],
  ['verified', [false, false, true]],
] as const)('with %s, the anonymous, signed-in and verified viewers see: %j', (setting, expected) => {
  expect([ANONYMOUS, SIGNED_IN, VERIFIED].map((viewer) => viewerMaySeeIpLocation(viewer, setting))).toEqual(expected);
});

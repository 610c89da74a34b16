// Who may read a disclosed real name. This is the one place that lets a real name out of the service, and
// the one place that opens (decrypts) one: only for a name it reveals, so a batch never decrypts the others.
import type { Disclosure } from './disclosure';
import type { AccountFacts, RealNameOpener, RealNameViewers, Viewer } from './types';

export function viewerMaySeeRealName(viewer: Viewer, accountUserId: string, allowed: RealNameViewers): boolean {
  if (viewer.id !== null && viewer.id === accountUserId) return true; // an owner always sees its own label
  return viewerPasses(viewer, allowed);
}

/** Whether the viewer is among those a setting allows: anyone, signed-in viewers, or verified ones. */
export function viewerPasses(viewer: Viewer, allowed: RealNameViewers): boolean {
  switch (allowed) {
    case 'anyone':
      return true;
    case 'signed-in':
      return viewer.id !== null;
    case 'verified':
      return viewer.id !== null && viewer.verified;
  }
}

/**
 * The real name this viewer may be shown, or null. Only a DISCLOSED account's name ever leaves the service,
 * and only to a viewer the gate lets through: not even the owner sees a name that is not disclosed. A name
 * that cannot be opened throws (the opener's error): the caller fails that account alone.
 */
export function revealedRealName(
  account: AccountFacts | undefined,
  disclosure: Disclosure,
  viewer: Viewer,
  allowed: RealNameViewers,
  open: RealNameOpener,
): string | null {
  if (account === undefined || account.realName === null || disclosure.status !== 'DISCLOSED') return null;
  if (!viewerMaySeeRealName(viewer, account.userId, allowed)) return null;
  return open(account.realName);
}

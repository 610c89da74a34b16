// The viewer, as the router passes it on: x-viewer-id (signed in) and x-viewer-verified: true (verified).
import type { IncomingHttpHeaders } from 'node:http';
import { badRequest } from '../errors';
import type { Viewer } from '../policy/types';
import { MAX_USER_ID_LENGTH } from '../user-id';

export const ANONYMOUS: Viewer = Object.freeze({ id: null, verified: false });

function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) throw badRequest(`header ${name} must be sent once, got ${value.length} values`);
  return value;
}

/** Reads the viewer; a malformed header is a 400 naming the header, never a silent downgrade or upgrade. */
export function viewerFromHeaders(headers: IncomingHttpHeaders): Viewer {
  const id = singleHeader(headers, 'x-viewer-id')?.trim() ?? '';
  const verifiedHeader = singleHeader(headers, 'x-viewer-verified')?.trim().toLowerCase() ?? 'false';
  if (id.length > MAX_USER_ID_LENGTH) {
    throw badRequest(`header x-viewer-id must be at most ${MAX_USER_ID_LENGTH} characters, got ${id.length}`);
  }
  if (verifiedHeader !== 'true' && verifiedHeader !== 'false') {
    throw badRequest('header x-viewer-verified must be "true" or "false"');
  }
  if (id.length === 0) return ANONYMOUS; // a verified flag without a signed-in viewer means nothing
  return { id, verified: verifiedHeader === 'true' };
}

// The viewer, as the router passes it on: x-viewer-id (signed in) and x-viewer-verified: true (verified).
// Read from the raw header lines: Node joins a repeated header into one value ("v-1, s-2"), which would be
// taken for an id; here a header sent twice is refused, whatever its values.
import { badRequest } from '../errors';
import type { Viewer } from '../policy/types';
import { MAX_USER_ID_LENGTH } from '../user-id';

export const ANONYMOUS: Viewer = Object.freeze({ id: null, verified: false });

const VIEWER_HEADERS = ['x-viewer-id', 'x-viewer-verified'] as const;
type ViewerHeader = (typeof VIEWER_HEADERS)[number];

function isViewerHeader(name: string): name is ViewerHeader {
  return (VIEWER_HEADERS as readonly string[]).includes(name);
}

/** The viewer headers' values, from Node's raw [name, value, name, value...] list; each at most once. */
function viewerHeaderValues(rawHeaders: readonly string[]): Partial<Record<ViewerHeader, string>> {
  const values: Partial<Record<ViewerHeader, string>> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const header = rawHeaders[index]!.toLowerCase();
    if (!isViewerHeader(header)) continue;
    if (values[header] !== undefined) throw badRequest(`header ${header} must be sent once`);
    values[header] = rawHeaders[index + 1]!;
  }
  return values;
}

/**
 * Reads the viewer; a malformed header is a 400 naming the header, never a silent downgrade or upgrade.
 * x-viewer-verified is exactly `true` or `false` (lower case), as the router's session sets it.
 */
export function viewerFromHeaders(rawHeaders: readonly string[]): Viewer {
  const headers = viewerHeaderValues(rawHeaders);
  const id = headers['x-viewer-id']?.trim() ?? '';
  const verified = headers['x-viewer-verified'] ?? 'false';
  if (id.length > MAX_USER_ID_LENGTH) {
    throw badRequest(`header x-viewer-id must be at most ${MAX_USER_ID_LENGTH} characters, got ${id.length}`);
  }
  if (verified !== 'true' && verified !== 'false') {
    throw badRequest('header x-viewer-verified must be exactly "true" or "false"');
  }
  if (id.length === 0) return ANONYMOUS; // a verified flag without a signed-in viewer means nothing
  return { id, verified: verified === 'true' };
}

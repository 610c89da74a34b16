// Where things are in the repository, for tests that read files or run the built service.
import { join } from 'node:path';

export const REPOSITORY_ROOT = join(__dirname, '..', '..');

/** A file of the compiled tree (`npm run build`; the integration tests build it first). */
export function built(...segments: string[]): string {
  return join(REPOSITORY_ROOT, 'dist', ...segments);
}

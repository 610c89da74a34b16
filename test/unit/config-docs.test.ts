// docs/configuration.md is the reference operators read: its tables of environment variables and the
// variables src/config.ts reads must be the same list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_VARIABLES } from '../../src/config';
import { REPOSITORY_ROOT } from '../support/paths';

/** The first cell of each table row under "## Environment variables", up to the next section. */
function documentedVariables(): string[] {
  const page = readFileSync(join(REPOSITORY_ROOT, 'docs', 'configuration.md'), 'utf8');
  const section = page.split(/^## /m).find((part) => part.startsWith('Environment variables'))!;
  return [...section.matchAll(/^\| `([A-Z0-9_]+)` /gm)].map(([, name]) => name!);
}

describe('docs/configuration.md', () => {
  it('documents every variable the service reads, and no other', () => {
    const documented = documentedVariables();
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...ENVIRONMENT_VARIABLES].sort());
  });
});

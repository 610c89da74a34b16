// Regenerates schema/identity-labels.graphql from the code: `npm run schema:print`.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printIdentitySdl } from '../src/graphql/schema';

// Run from dist/scripts/: the schema folder is two levels up.
const SCHEMA_FILE = join(__dirname, '..', '..', 'schema', 'identity-labels.graphql');

printIdentitySdl().then((sdl) => {
  writeFileSync(SCHEMA_FILE, sdl);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
});

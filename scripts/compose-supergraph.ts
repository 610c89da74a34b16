// Writes docker/supergraph.graphql for the router without rover: `npm run supergraph:compose`. It first
// writes the stand-ins' SDL files that docker/supergraph.yaml names, then composes what that file lists.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import {
  readSupergraphConfig,
  STAND_IN_SCHEMA_FILES,
  subgraphSources,
  SUPERGRAPH_SCHEMA,
} from '../examples/supergraph-config';
import { composeSupergraph, repositoryPath } from '../examples/supergraph';

const written = (file: string) => process.stdout.write(`wrote ${relative(repositoryPath(), file)}\n`);

for (const [file, sdl] of Object.entries(STAND_IN_SCHEMA_FILES)) {
  writeFileSync(file, sdl);
  written(file);
}
const { supergraphSdl, hints } = composeSupergraph(subgraphSources(readSupergraphConfig()));
writeFileSync(SUPERGRAPH_SCHEMA, supergraphSdl);
written(SUPERGRAPH_SCHEMA);
for (const hint of hints) process.stdout.write(`composition hint: ${hint}\n`);

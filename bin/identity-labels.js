#!/usr/bin/env node
// The `identity-labels` command. It runs the compiled code in dist/: in a fresh clone, build it first.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(compiled)) {
  process.stderr.write(`identity-labels: not built yet: run \`npm run build\` in ${root} first\n`);
  process.exit(2);
}
require(compiled).main(process.argv);

#!/bin/sh
# The peer comparison in one go (npm run bench:peers; docs/performance.md): the data, the check that every peer
# answers as the project does, two rounds in alternating order, and the table of both. Extra arguments go to
# each round (e.g. --no-wait, --duration 10). The project must be built (npm run bench:peers builds it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
export PROJECT_DIR="${PROJECT_DIR:-$(cd "$here/../.." && pwd)}"
cd "$here"
[ -d node_modules ] || npm ci --no-audit --no-fund
node data.js
node check.js
node bench.js --round 1 "$@"
node bench.js --round 2 --reverse "$@"
node bench.js --report

// Loaded with `node --require` into a child process the benchmark measures: on exit, the child writes its
// peak resident set size (bytes) to BENCH_MAX_RSS_FILE. Works wherever Node does, unlike /usr/bin/time -v.
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_MAX_RSS_FILE;
if (target) {
  process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024))); // maxRSS is in KiB
}

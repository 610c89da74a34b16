// The benchmark's printed table. Absolute numbers move with the machine's noise; the ratio to the raw lookups
// measured in the same run is what compares across runs.
import type { Dataset } from './dataset';
import type { LoadResult } from './entities-load';
import type { WriteResult } from './ip-locations-load';
import type { RawResult } from './raw-lookups';

export interface SubgraphRun extends LoadResult {
  cache: 'off' | 'on';
  /** What each reference asks: the User labels, or a Post's displayName and ipLocation. */
  asks: 'User labels' | 'Post displayName+ipLocation';
  serverRssBytes: number;
  serverPeakRssBytes: number;
  distinctIds: number;
}

export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; node: string; mysql: string };
  options: Record<string, unknown>;
  dataset: Dataset | { accounts: number; reused: true; statuses: Record<string, number> };
  raw: RawResult[];
  subgraph: SubgraphRun[];
  /** POST /ip-locations, before the read runs (cache off). */
  ipLocationWrite: WriteResult;
}

const MB = 1024 * 1024;
const whole = (value: number) => Math.round(value).toLocaleString('en');
const fixed = (value: number, digits = 1) => value.toFixed(digits);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function formatResults(results: BenchResults): string {
  const lines: string[] = [];
  const { dataset } = results;
  lines.push(
    `machine: ${results.machine.cpus} cpus, node ${results.machine.node}, ${results.machine.mysql}; ` +
      `${whole(dataset.accounts)} accounts`,
  );
  if ('import' in dataset) {
    lines.push(
      `import: ${whole(dataset.accounts)} records in ${fixed(dataset.import.seconds)} s = ` +
        `${whole(dataset.import.recordsPerSecond)} records/s, peak RSS ${whole(dataset.import.peakRssBytes / MB)} MB ` +
        `(identity-labels import --no-notify, own process); notify ${fixed(dataset.notify.seconds)} s`,
    );
  } else {
    lines.push('import: skipped (--reuse-database)');
  }
  lines.push(
    `statuses: ${Object.entries(dataset.statuses)
      .map(([status, count]) => `${status} ${whole(count)}`)
      .join(', ')}`,
  );
  lines.push('');
  lines.push(
    table(
      ['raw mysql2 IN(n)', 'lookups/s', 'p50 ms', 'p99 ms'],
      results.raw.map((raw) => [
        String(raw.idsPerLookup),
        whole(raw.lookupsPerSecond),
        fixed(raw.p50Ms, 2),
        fixed(raw.p99Ms, 2),
      ]),
    ),
  );
  lines.push('');
  const rawFor = (size: number) => results.raw.find((raw) => raw.idsPerLookup === size)?.lookupsPerSecond ?? NaN;
  lines.push(
    table(
      ['refs', 'asks', 'cache', 'req/s', 'p50 ms', 'p99 ms', 'SQL/req', 'RSS MB', 'peak MB', 'vs raw', 'errors'],
      results.subgraph.map((run) => [
        String(run.references),
        run.asks,
        run.cache,
        whole(run.requestsPerSecond),
        fixed(run.p50Ms, 0),
        fixed(run.p99Ms, 0),
        fixed(run.sqlQueriesPerRequest, 2),
        whole(run.serverRssBytes / MB),
        whole(run.serverPeakRssBytes / MB),
        fixed(run.requestsPerSecond / rawFor(run.references), 2),
        String(run.errors + run.non2xx),
      ]),
    ),
  );
  lines.push('');
  const write = results.ipLocationWrite;
  lines.push(
    `POST /ip-locations: ${whole(write.records)} records in ${whole(write.requests)} requests of up to 1,000, ` +
      `${write.writers} at a time: ${fixed(write.seconds)} s = ${whole(write.recordsPerSecond)} records/s ` +
      `(request p50 ${fixed(write.p50Ms, 0)} ms, p99 ${fixed(write.p99Ms, 0)} ms)`,
  );
  lines.push('');
  lines.push(
    '"vs raw": subgraph req/s over raw lookups/s of the same size, same run. SQL/req: Com_select delta / requests ' +
      '(approximate). RSS: the server process after the run; peak: its high-water mark.',
  );
  return lines.join('\n');
}

// The benchmark's printed table. Absolute numbers move with the machine's noise; the ratio to the raw lookups
// measured in the same run is what compares across runs.
import type { Dataset } from './dataset';
import type { EventsResult } from './events-load';
import type { LoadResult } from './entities-load';
import type { WriteResult } from './ip-locations-load';
import type { Encryption } from './options';
import type { RawResult } from './raw-lookups';
import type { CipherCost } from './real-name-cipher';
import type { TracingCost } from './tracing-cost';

export type CacheMode = 'off' | 'on' | 'shared';

export interface SubgraphRun extends LoadResult {
  encryption: Encryption;
  /** Which code and executor: "this graphql-jit", "before graphql-js"... */
  variant: string;
  round: number;
  /** on: this process's cache; shared: the same, kept true by the change feed over Redis (REDIS_URL). */
  cache: CacheMode;
  /** Tracing on (--tracing): spans exported over OTLP/JSON, a traceparent on every request. */
  tracing: boolean;
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
  realNameCipher: CipherCost;
  tracing: TracingCost;
  datasets: ({ encryption: Encryption } & (
    Dataset | { accounts: number; reused: true; statuses: Record<string, number> }
  ))[];
  raw: (RawResult & { encryption: Encryption })[];
  subgraph: SubgraphRun[];
  /** POST /ip-locations, before the read runs (cache off): one per encryption pass, each on a fresh database. */
  ipLocationWrites: (WriteResult & { encryption: Encryption })[];
  /** The event consumer (NATS JetStream), unless --no-events. */
  events?: EventsResult;
}

/** The goals of issue 20, printed beside what was measured. */
const EVENTS_GOAL_PER_SECOND = 20_000;
const LABEL_LATENCY_GOAL_P99_MS = 2000;

/** Each throughput run, when there were several (--rounds, --against), and this checkout's ratio to the other. */
function formatEventRuns(events: EventsResult): string[] {
  if (events.runs.length < 2) return [];
  const rows = events.runs.map((run) => [
    run.checkout,
    String(run.round),
    fixed(run.seconds),
    whole(run.eventsPerSecond),
    fixed(run.cpuMicrosPerEvent),
  ]);
  const lines = [table(['checkout', 'round', 's', 'events/s', 'CPU µs/event'], rows)];
  if (events.ratio !== undefined) {
    lines.push(`this checkout over the one before: ${fixed(events.ratio, 2)}x events/s (median of the rounds' ratios)`);
  }
  return [...lines, ''];
}

function formatEvents(events: EventsResult): string[] {
  const { latency } = events;
  return [
    ...formatEventRuns(events),
    `events in (NATS JetStream, one instance, batches of up to ${whole(events.batchSize)}): ` +
      `${whole(events.events)} user.followers.changed over ${whole(events.accounts)} accounts in ${fixed(events.seconds)} s = ` +
      `${whole(events.eventsPerSecond)} events/s (server CPU ${fixed(events.cpuMicrosPerEvent)} µs/event)`,
    `publish to label changed on another instance: ${latency.samples} thresholds crossed under ` +
      `${whole(latency.backgroundEventsPerSecond)} background events/s: p50 ${fixed(latency.p50Ms, 0)} ms, ` +
      `p99 ${fixed(latency.p99Ms, 0)} ms, max ${fixed(latency.maxMs, 0)} ms`,
    '',
    `closing note: ${whole(events.eventsPerSecond)} follower events/s consumed by one instance ` +
      `(goal >= ${whole(EVENTS_GOAL_PER_SECOND)}: ${events.eventsPerSecond >= EVENTS_GOAL_PER_SECOND ? 'met' : 'NOT met'}); ` +
      `publish-to-label-changed p99 ${fixed(latency.p99Ms, 0)} ms on another instance ` +
      `(goal <= ${whole(LABEL_LATENCY_GOAL_P99_MS)} ms: ${latency.p99Ms <= LABEL_LATENCY_GOAL_P99_MS ? 'met' : 'NOT met'})`,
  ];
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

/**
 * Each --tracing run beside the same run without it (same round, variant, size, question, cache): the server's
 * CPU per request, with and without, and their ratio. Both measured in the same run, alternating.
 */
export function tracingCostRows(runs: readonly SubgraphRun[]): string[][] {
  const rows: string[][] = [];
  for (const on of runs.filter((run) => run.tracing)) {
    const base = on.variant.replace(/ tracing$/, '');
    const off = runs.find(
      (run) =>
        !run.tracing &&
        run.variant === base &&
        run.round === on.round &&
        run.references === on.references &&
        run.asks === on.asks &&
        run.cache === on.cache &&
        run.encryption === on.encryption,
    );
    if (off === undefined) continue;
    rows.push([
      base,
      String(on.round),
      String(on.references),
      on.asks,
      on.cache,
      fixed(off.serverCpuMicrosPerRequest, 0),
      fixed(on.serverCpuMicrosPerRequest, 0),
      fixed(on.serverCpuMicrosPerRequest / off.serverCpuMicrosPerRequest, 3),
    ]);
  }
  return rows;
}

export function formatResults(results: BenchResults): string {
  const lines: string[] = [];
  const accounts = results.datasets[0]?.accounts ?? 0;
  lines.push(
    `machine: ${results.machine.cpus} cpus, node ${results.machine.node}, ${results.machine.mysql}; ` +
      `${whole(accounts)} accounts`,
  );
  const cipher = results.realNameCipher;
  lines.push(
    `real name cipher (AES-256-GCM, this process): encrypt ${fixed(cipher.encryptMicros, 2)} us, ` +
      `decrypt ${fixed(cipher.decryptMicros, 2)} us per name`,
  );
  const spans = results.tracing;
  lines.push(
    `tracing (this process, CPU): off, withSpan adds ${fixed(spans.offNanosPerCall, 0)} ns per call; on, ` +
      `${fixed(spans.onMicrosPerSpan, 2)} us per span made and dropped, ${fixed(spans.exportedMicrosPerSpan, 2)} us ` +
      'per span exported (OTLP/JSON in batches, to a sink in this process)',
  );
  for (const dataset of results.datasets) {
    const mode = `encryption ${dataset.encryption}`;
    if ('import' in dataset) {
      lines.push(
        `${mode}: import ${whole(dataset.accounts)} records in ${fixed(dataset.import.seconds)} s = ` +
          `${whole(dataset.import.recordsPerSecond)} records/s, peak RSS ${whole(dataset.import.peakRssBytes / MB)} MB ` +
          `(identity-labels import --no-notify, own process); notify ${fixed(dataset.notify.seconds)} s`,
      );
    } else {
      lines.push(`${mode}: import skipped (--reuse-database)`);
    }
    lines.push(
      `${mode}: statuses ${Object.entries(dataset.statuses)
        .map(([status, count]) => `${status} ${whole(count)}`)
        .join(', ')}`,
    );
  }
  lines.push('');
  lines.push(
    table(
      ['raw mysql2 IN(n)', 'encryption', 'lookups/s', 'p50 ms', 'p99 ms'],
      results.raw.map((raw) => [
        String(raw.idsPerLookup),
        raw.encryption,
        whole(raw.lookupsPerSecond),
        fixed(raw.p50Ms, 2),
        fixed(raw.p99Ms, 2),
      ]),
    ),
  );
  lines.push('');
  const rawFor = (size: number, encryption: Encryption) =>
    results.raw.find((raw) => raw.idsPerLookup === size && raw.encryption === encryption)?.lookupsPerSecond ?? NaN;
  lines.push(
    table(
      [
        'variant',
        'round',
        'refs',
        'asks',
        'encryption',
        'cache',
        'req/s',
        'p50 ms',
        'p99 ms',
        'CPU us/entity',
        'SQL/req',
        'RSS MB',
        'peak MB',
        'vs raw',
        'errors',
      ],
      results.subgraph.map((run) => [
        run.variant,
        String(run.round),
        String(run.references),
        run.asks,
        run.encryption,
        run.cache,
        whole(run.requestsPerSecond),
        fixed(run.p50Ms, 0),
        fixed(run.p99Ms, 0),
        fixed(run.serverCpuMicrosPerEntity, 1),
        fixed(run.sqlQueriesPerRequest, 2),
        whole(run.serverRssBytes / MB),
        whole(run.serverPeakRssBytes / MB),
        fixed(run.requestsPerSecond / rawFor(run.references, run.encryption), 2),
        String(run.errors + run.non2xx),
      ]),
    ),
  );
  lines.push('');
  const tracingCost = tracingCostRows(results.subgraph);
  if (tracingCost.length > 0) {
    lines.push(
      table(
        ['tracing cost: variant', 'round', 'refs', 'asks', 'cache', 'CPU us/req off', 'CPU us/req on', 'on/off'],
        tracingCost,
      ),
    );
    const ratios = tracingCost.map((row) => Number(row.at(-1))).sort((a, b) => a - b);
    const median = ratios[Math.floor((ratios.length - 1) / 2)]! / 2 + ratios[Math.ceil((ratios.length - 1) / 2)]! / 2;
    lines.push(`tracing on/off, CPU per request: median ${fixed(median, 3)} over ${ratios.length} pairs (same run)`);
    lines.push('');
  }
  for (const write of results.ipLocationWrites) {
    lines.push(
      `POST /ip-locations (encryption ${write.encryption}): ${whole(write.records)} records in ${whole(write.requests)} ` +
        `requests of up to 1,000, ${write.writers} at a time: ${fixed(write.seconds)} s = ` +
        `${whole(write.recordsPerSecond)} records/s (request p50 ${fixed(write.p50Ms, 0)} ms, p99 ${fixed(write.p99Ms, 0)} ms)`,
    );
  }
  lines.push('');
  lines.push(
    '"vs raw": subgraph req/s over raw lookups/s of the same size, same run. SQL/req: Com_select delta / requests ' +
      "(approximate). CPU µs/entity: the server process's user + system CPU time over the measured window " +
      '(/proc/<pid>/stat, as process.cpuUsage() counts it) over the entities it served: comparable across ' +
      'machines of one kind. RSS: the server process after the run; peak: its high-water mark.',
  );
  if (results.events !== undefined) lines.push('', ...formatEvents(results.events));
  return lines.join('\n');
}

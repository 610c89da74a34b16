// What a span costs, in this process, without the server around it: with tracing off (OTEL_EXPORTER_OTLP_ENDPOINT
// unset), what withSpan adds to the work it wraps; with it on, what one span adds, made, ended and handed to
// an exporter that drops it, and made, ended and exported as in production (batches of OTLP/JSON over HTTP,
// to the benchmark's sink). A feed request makes 4-5 spans (the request, the operation, the batch, one per
// SQL query). CPU time, so that the machine's other load counts as little as it can.
import { ExportResultCode } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import pino from 'pino';
import { startTracing } from '../../src/observability/tracer-provider';
import { withSpan } from '../../src/observability/tracing';

export interface TracingCost {
  calls: number;
  /** Added by withSpan with tracing off, per call, in nanoseconds. */
  offNanosPerCall: number;
  /** Added by one span with tracing on, in microseconds. */
  onMicrosPerSpan: number;
  /** The same, exported as in production: in batches, OTLP/JSON over HTTP (to a sink in this process). */
  exportedMicrosPerSpan: number;
}

const ATTRIBUTES = { 'db.system.name': 'mysql', 'db.operation.name': 'SELECT', 'db.collection.name': 'accounts' };

/** CPU time (user + system: the machine's other load does not count), per call, in nanoseconds. */
async function nanosPerCall(call: () => Promise<unknown>, calls: number, exporting = false): Promise<number> {
  // The batch processor exports 512 spans at a time, between requests: when it exports, it gets its turn
  // every 500 calls (a wait costs no CPU), so that no span is dropped for a full queue.
  const calling = async (times: number) => {
    for (let index = 1; index <= times; index += 1) {
      await call();
      if (exporting && index % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await calling(10_000); // warm-up
  const started = process.cpuUsage();
  await calling(calls);
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / calls;
}

async function microsPerSpan(
  endpoint: string | undefined,
  exporter: SpanExporter | undefined,
  calls: number,
  direct: number,
): Promise<number> {
  const settings = { endpoint, protocol: 'http/json' as const, serviceName: 'bench', headers: {} };
  const tracing = startTracing(settings, { log: pino({ level: 'silent' }), exporter })!;
  try {
    const span = () => withSpan('SELECT accounts', ATTRIBUTES, () => Promise.resolve(1));
    const on = await nanosPerCall(span, calls, endpoint !== undefined);
    return (on - direct) / 1000;
  } finally {
    await tracing.close();
  }
}

export async function measureTracingCost(sinkEndpoint: string, calls = 200_000): Promise<TracingCost> {
  const work = () => Promise.resolve(1);
  const wrapped = () => withSpan('SELECT accounts', ATTRIBUTES, work);
  // Off, the difference is a few nanoseconds: measured in turns, the median of five, so that warming up
  // and the machine's drift fall on both alike.
  const differences: number[] = [];
  for (let turn = 0; turn < 5; turn += 1) {
    differences.push((await nanosPerCall(wrapped, calls)) - (await nanosPerCall(work, calls)));
  }
  const off = differences.sort((a, b) => a - b)[2]!;
  const direct = await nanosPerCall(work, calls);
  const dropping: SpanExporter = {
    export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
    shutdown: async () => undefined,
  };
  return {
    calls,
    offNanosPerCall: off,
    onMicrosPerSpan: await microsPerSpan(undefined, dropping, calls, direct),
    exportedMicrosPerSpan: await microsPerSpan(sinkEndpoint, undefined, 50_000, direct),
  };
}

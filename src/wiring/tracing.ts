// Traces, started first and stopped last: every span of a request still in flight at shutdown is exported.
import type { Logger } from 'pino';
import type { Config } from '../config';
import { startTracing, type TracingOptions } from '../observability/tracer-provider';
import type { Lifecycle } from './lifecycle';

export function startTraces(
  config: Config,
  options: { log: Logger; traceExporter?: TracingOptions['exporter'] },
  lifecycle: Lifecycle,
): void {
  const tracing = startTracing(config.tracing, { log: options.log, exporter: options.traceExporter });
  if (tracing === undefined) return;
  lifecycle.add(() => tracing.close());
  const { endpoint } = config.tracing;
  // The collector's host only: a URL may carry credentials.
  options.log.info({ collector: endpoint === undefined ? 'in process' : new URL(endpoint).host }, 'tracing on');
}

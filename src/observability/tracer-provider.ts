// The OpenTelemetry SDK, started only when traces have somewhere to go: OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over
// HTTP, JSON), or an exporter a test hands in. Without either, nothing is registered and the helpers of
// tracing.ts stay plain calls.
import { context, diag, DiagLogLevel, propagation, trace, type DiagLogger } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import type { Logger } from 'pino';
import { tracingOn, useTracer, type OTLP_PROTOCOLS } from './tracing';

export interface TracingSettings {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; spans are posted to <endpoint>/v1/traces. */
  endpoint: string | undefined;
  protocol: (typeof OTLP_PROTOCOLS)[number];
  /** OTEL_SERVICE_NAME: the resource's service.name. */
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_HEADERS: sent with every export (a collector's credentials, say). */
  headers: Readonly<Record<string, string>>;
}

export interface TracingOptions {
  log: Logger;
  /** Takes every span as it ends, instead of the OTLP exporter (tests read spans from memory). */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** Exports what is still buffered, then unregisters everything. */
  close(): Promise<void>;
}

const TRACER_NAME = 'identity-labels';
/** A collector that is down is reported at most this often, not on every batch. */
const DIAG_LOG_INTERVAL_MS = 60_000;

/** The signal path is appended to the base endpoint, as the OTLP specification says. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** The SDK's own complaints (an export that failed), as warnings in our log, once a minute at most. */
function diagLogger(log: Logger): DiagLogger {
  let lastLogged = -Infinity;
  const warn = (message: string) => {
    if (Date.now() - lastLogged < DIAG_LOG_INTERVAL_MS) return;
    lastLogged = Date.now();
    log.warn({ otel: message.slice(0, 300) }, 'tracing: spans could not be exported (logged once a minute)');
  };
  const ignore = () => undefined;
  return { error: warn, warn, info: ignore, debug: ignore, verbose: ignore };
}

/**
 * Registers a tracer provider (parent-based sampling: the router's sampled flag decides; a request without a
 * traceparent is sampled), the W3C trace context propagator (traceparent, tracestate; no baggage) and an
 * async-local context. Undefined, and nothing registered, when there is nowhere to send spans.
 */
export function startTracing(settings: TracingSettings, options: TracingOptions): Tracing | undefined {
  if (settings.endpoint === undefined && options.exporter === undefined) return undefined;
  if (tracingOn()) throw new Error('tracing is already started in this process');
  const processor =
    options.exporter !== undefined
      ? new SimpleSpanProcessor(options.exporter)
      : new BatchSpanProcessor(
          new OTLPTraceExporter({ url: tracesUrl(settings.endpoint!), headers: { ...settings.headers } }),
        );
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [processor],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  diag.setLogger(diagLogger(options.log), DiagLogLevel.WARN);
  useTracer(provider.getTracer(TRACER_NAME));
  return {
    async close() {
      useTracer(undefined);
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
        diag.disable();
      }
    },
  };
}

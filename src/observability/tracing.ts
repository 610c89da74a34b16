// Traces (OpenTelemetry): the router's trace continued through this subgraph, its batch, its SQL, Redis and
// NATS. Code anywhere calls these helpers; with tracing off (OTEL_EXPORTER_OTLP_ENDPOINT unset) no tracer is
// set and each of them costs one comparison: no span, no context, no allocation of its own.
//
// What a span may say is a SpanAttributes: strings, numbers, booleans; never a list, so never an id list.
// Callers put in kinds, tables, counts and codes only: never a real name, an id, an address, a parameter
// or an operation's variables. A failure is recorded by its code or class name, never by its message
// (a driver's message may quote the value it choked on).
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { GraphQLError } from 'graphql';
import { errorCodeOf } from '../errors';

export { SpanKind } from '@opentelemetry/api';

/**
 * The protocols of OTEL_EXPORTER_OTLP_PROTOCOL this service speaks: OTLP over HTTP as JSON, which an
 * OpenTelemetry Collector takes on the same port and path as protobuf.
 */
export const OTLP_PROTOCOLS = ['http/json'] as const;

/** What a span may carry: no list, no value a caller sent (see the top of this file). */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

let tracer: Tracer | undefined;

/** Set by tracer-provider.ts while tracing is on; undefined turns every helper into a plain call. */
export function useTracer(active: Tracer | undefined): void {
  tracer = active;
}

export function tracingOn(): boolean {
  return tracer !== undefined;
}

/** A failure, named by its code (GraphQL's, the driver's, Node's) or its class: never by its message. */
export function errorType(error: unknown): string {
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string') return error.extensions.code;
  return errorCodeOf(error) ?? (error instanceof Error ? error.name : 'unknown');
}

function markFailed(span: Span, error: unknown): void {
  span.setAttribute('error.type', errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * Runs `work` in a span of its own, a child of the current one (the current span inside `work`): what
 * `work` awaits, and the spans it starts, are its children. A failure marks the span and is thrown on.
 */
export function withSpan<T>(
  name: string,
  attributes: SpanAttributes,
  work: () => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  if (tracer === undefined) return work();
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs background work (the row cache's refresh) in no trace: not under the request that happened to start it,
 * and not as traces of its own, one every few milliseconds. Metrics count what it does.
 */
export function untraced<T>(work: () => Promise<T>): Promise<T> {
  if (tracer === undefined) return work();
  return context.with(suppressTracing(ROOT_CONTEXT), work);
}

/** Adds to the current span what is known only once its work is under way (the executor, the attempts). */
export function setSpanAttributes(attributes: SpanAttributes): void {
  if (tracer === undefined) return;
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** Marks the current span failed without throwing (an answer that carries errors). */
export function markSpanFailed(type: string): void {
  if (tracer === undefined) return;
  const span = trace.getActiveSpan();
  span?.setAttribute('error.type', type);
  span?.setStatus({ code: SpanStatusCode.ERROR });
}

/** Something that happened during the current span (a transaction tried again). */
export function addSpanEvent(name: string, attributes: SpanAttributes): void {
  if (tracer === undefined) return;
  trace.getActiveSpan()?.addEvent(name, attributes);
}

// --- Incoming requests: the router's traceparent and tracestate ---------------------------------------------

/** The span of one incoming request and the context its handler runs in. */
export interface RequestTrace {
  span: Span;
  context: Context;
}

/** Header lines as Node gives them: a repeated header is an array. */
type HeaderCarrier = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Starts the SERVER span of an incoming request, a child of the caller's span when its headers carry a W3C
 * `traceparent` (and `tracestate`); undefined with tracing off.
 */
export function startRequestSpan(
  headers: HeaderCarrier,
  name: string,
  attributes: SpanAttributes,
): RequestTrace | undefined {
  if (tracer === undefined) return undefined;
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Runs a request's handler in its span: everything it awaits and starts is part of the request's trace. */
export function inRequestSpan<T>(request: RequestTrace | undefined, work: () => T): T {
  return request === undefined ? work() : context.with(request.context, work);
}

export function endRequestSpan(request: RequestTrace | undefined, attributes: SpanAttributes, failed: boolean): void {
  if (request === undefined) return;
  request.span.setAttributes(attributes);
  if (failed) request.span.setStatus({ code: SpanStatusCode.ERROR });
  request.span.end();
}

// --- Messages (the change feed on Redis; NATS): the trace travels in the message's headers --------------------

/**
 * The current span's trace context as message headers (`traceparent`, and `tracestate` when there is one), to
 * send with a message; empty with tracing off or outside any span.
 */
export function traceContextHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  if (tracer !== undefined) propagation.inject(context.active(), headers);
  return headers;
}

/**
 * Runs the handling of a received message in a CONSUMER span, a child of the sender's span when `header`
 * finds a trace context among the message's headers (a root span otherwise).
 */
export function withMessageSpan<T>(
  header: (name: string) => string | undefined,
  name: string,
  attributes: SpanAttributes,
  work: () => Promise<T>,
): Promise<T> {
  if (tracer === undefined) return work();
  const sender = propagation.extract(ROOT_CONTEXT, undefined, {
    get: (_carrier, key) => header(key),
    keys: () => ['traceparent', 'tracestate'],
  });
  return context.with(sender, () => withSpan(name, attributes, work, SpanKind.CONSUMER));
}

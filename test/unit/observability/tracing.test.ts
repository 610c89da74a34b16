// With tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT, no exporter) nothing is registered and every helper is a
// plain call; once started, spans nest, and closing leaves nothing registered behind.
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import pino from 'pino';
import { startTracing, tracesUrl } from '../../../src/observability/tracer-provider';
import {
  errorType,
  startRequestSpan,
  traceContextHeaders,
  tracingOn,
  untraced,
  withMessageSpan,
  withSpan,
} from '../../../src/observability/tracing';
import { forbidden } from '../../../src/errors';

const log = pino({ level: 'silent' });
const OFF = { endpoint: undefined, protocol: 'http/json' as const, serviceName: 'identity-labels', headers: {} };

describe('with tracing off', () => {
  it('registers nothing', () => {
    expect(startTracing(OFF, { log })).toBeUndefined();
    expect(tracingOn()).toBe(false);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('runs the work as it is: the same promise, no span, no context, no headers', async () => {
    const work = Promise.resolve(42);
    expect(withSpan('x', {}, () => work)).toBe(work);
    expect(
      startRequestSpan({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }, 'x', {}),
    ).toBeUndefined();
    expect(traceContextHeaders()).toEqual({});
    await expect(
      withMessageSpan(
        () => undefined,
        'x',
        {},
        async () => 7,
      ),
    ).resolves.toBe(7);
  });
});

describe('with tracing on', () => {
  it('nests spans, carries the trace in message headers, and is gone once closed', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing(OFF, { log, exporter })!;
    expect(() => startTracing(OFF, { log, exporter })).toThrow(/already started/);
    let headers: Record<string, string> = {};
    await withSpan('outer', { kind: 'test' }, () =>
      withSpan('inner', {}, async () => {
        headers = traceContextHeaders();
      }),
    );
    await withMessageSpan(
      (name) => headers[name],
      'handled',
      {},
      async () => undefined,
    );
    await expect(
      withSpan('failing', {}, async () => Promise.reject(forbidden('account u-1 says no'))),
    ).rejects.toThrow();
    const spans = exporter.getFinishedSpans(); // before closing: the exporter forgets them when shut down
    await tracing.close();
    expect(tracingOn()).toBe(false);
    expect(spans.map((span) => span.name).sort()).toEqual(['failing', 'handled', 'inner', 'outer']);

    const byName = Object.fromEntries(spans.map((span) => [span.name, span]));
    expect(byName.inner?.parentSpanContext?.spanId).toBe(byName.outer?.spanContext().spanId);
    expect(headers.traceparent).toMatch(
      new RegExp(`^00-${byName.inner?.spanContext().traceId}-${byName.inner?.spanContext().spanId}-01$`),
    );
    expect(byName.handled?.parentSpanContext?.spanId).toBe(byName.inner?.spanContext().spanId);
    // A failure is named by its code, never by its message (which may name an account).
    expect(byName.failing?.attributes).toEqual({ 'error.type': 'FORBIDDEN' });
    expect(byName.failing?.status.message).toBeUndefined();
  });
});

it('runs background work in no trace: neither under the span that started it nor as a trace of its own', async () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing(OFF, { log, exporter })!;
  let background: Promise<unknown> = Promise.resolve();
  await withSpan('request', {}, async () => {
    background = untraced(() => withSpan('refresh', {}, () => withSpan('query', {}, async () => 1)));
  });
  await background;
  await withSpan('after', {}, async () => undefined); // tracing is on again outside it
  const spans = exporter.getFinishedSpans();
  await tracing.close();
  expect(spans.map((span) => span.name).sort()).toEqual(['after', 'request']);
});

it('names a failure by its code or its class, never its message', () => {
  expect(errorType(Object.assign(new Error("Duplicate entry 'u-1'"), { code: 'ER_DUP_ENTRY' }))).toBe('ER_DUP_ENTRY');
  expect(errorType(new TypeError('account u-1'))).toBe('TypeError');
  expect(errorType('a string')).toBe('unknown');
});

it('posts to <endpoint>/v1/traces, as the OTLP specification says for the general endpoint', () => {
  expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
  expect(tracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
  expect(tracesUrl('https://otlp.example.com/tenant/')).toBe('https://otlp.example.com/tenant/v1/traces');
});

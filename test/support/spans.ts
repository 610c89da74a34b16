// Spans as the tests look at them: one trace's tree, printed one span a line, and every string a span holds.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';

/** A W3C traceparent as a router sends it, sampled. */
export function traceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

export function spansOfTrace(spans: readonly ReadableSpan[], traceId: string): ReadableSpan[] {
  return spans.filter((span) => span.spanContext().traceId === traceId);
}

const startOf = (span: ReadableSpan) => span.startTime[0] * 1e9 + span.startTime[1];

/**
 * The tree under the spans whose parent is `parentSpanId` (the router's span), one span a line, indented by
 * depth, children in the order they started: "POST /graphql\n  query Feed\n    _entities...".
 */
export function spanTree(spans: readonly ReadableSpan[], parentSpanId: string): string {
  const lines: string[] = [];
  const visit = (parent: string, depth: number) => {
    const children = spans
      .filter((span) => span.parentSpanContext?.spanId === parent)
      .sort((a, b) => startOf(a) - startOf(b));
    for (const child of children) {
      lines.push(`${'  '.repeat(depth)}${child.name}`);
      visit(child.spanContext().spanId, depth + 1);
    }
  };
  visit(parentSpanId, 0);
  return lines.join('\n');
}

/** Everything a span says in words: its name, attributes (keys and values), events and status. */
export function spanTexts(span: ReadableSpan): string[] {
  const texts = [span.name, span.status.message ?? ''];
  for (const [key, value] of Object.entries(span.attributes)) texts.push(key, JSON.stringify(value));
  for (const event of span.events) {
    texts.push(event.name);
    for (const [key, value] of Object.entries(event.attributes ?? {})) texts.push(key, JSON.stringify(value));
  }
  return texts;
}

// With OTEL_EXPORTER_OTLP_ENDPOINT set, spans leave the process as OTLP over HTTP, JSON: what a collector
// receives is read here by a plain HTTP server standing in for one. The service runs as `npm start` runs it,
// in a process of its own (the exporter loads Node's http module in a way Jest's sandbox cannot), on the
// embedded demo data, and is stopped by SIGTERM: what is still buffered is sent before it exits.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { built } from '../../support/paths';
import { traceparent } from '../../support/spans';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface OtlpJson {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: { name: string; traceId: string; parentSpanId?: string }[] }[];
  }[];
}

const ROUTER = { traceId: '5bf92f3577b34da6a3ce929d0e0e4736', spanId: '20f067aa0ba902b7' };
const received: Received[] = [];
const logLines: string[] = [];
let collector: Server;
let exitCode: number | null = null;

function startCollector(): Promise<number> {
  collector = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    collector.listen(0, '127.0.0.1', () => resolve((collector.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  const port = await startCollector();
  const { DATABASE_URL: _embedded, ...inherited } = process.env;
  const child = spawn(process.execPath, [built('src', 'index.js')], {
    env: {
      ...inherited,
      PORT: '0',
      HOST: '127.0.0.1',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'identity-labels-under-test',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=collector%20secret',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let url: string | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    logLines.push(line);
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'identity-labels subgraph ready') {
      url = entry.url;
      break;
    }
  }
  child.stdout!.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));
  try {
    const response = await fetch(url!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-viewer-id': 'v',
        'x-viewer-verified': 'true',
        traceparent: traceparent(ROUTER.traceId, ROUTER.spanId),
      },
      body: JSON.stringify({
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { displayName } } }',
        variables: { r: [{ __typename: 'User', id: 'demo-disclosed', nickname: 'weiwei' }] },
      }),
    });
    expect(await response.json()).toEqual({ data: { _entities: [{ displayName: 'weiwei (Zhang Wei)' }] } });
  } finally {
    child.kill('SIGTERM'); // the spans are sent in batches: the shutdown sends what is left
  }
  [exitCode] = (await exited) as [number | null];
});

afterAll(async () => {
  await new Promise((resolve) => collector?.close(resolve));
});

it('exits cleanly, having posted the spans as OTLP JSON to <endpoint>/v1/traces with the configured headers', () => {
  expect(exitCode).toBe(0);
  expect(received.length).toBeGreaterThan(0);
  for (const request of received) {
    expect(request).toMatchObject({ method: 'POST', url: '/v1/traces' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-collector-key']).toBe('collector secret');
  }
});

it('names the service, and continues the router’s trace', () => {
  const resources = received.flatMap((request) => (JSON.parse(request.body) as OtlpJson).resourceSpans);
  for (const { resource } of resources) {
    expect(resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'identity-labels-under-test' },
    });
  }
  const spans = resources.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
  expect(spans.find((span) => span.name === 'POST /graphql')).toMatchObject({
    traceId: ROUTER.traceId,
    parentSpanId: ROUTER.spanId,
  });
  // The embedded database is SQLite (sql.js): the same spans as on MySQL.
  expect(spans.map((span) => span.name)).toEqual(
    expect.arrayContaining(['POST /graphql', 'query', '_entities', 'SELECT accounts']),
  );
});

it('says in the log where spans go (the collector’s host), never the headers', () => {
  const started = logLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((entry) => entry.msg === 'tracing on');
  expect(started).toMatchObject({ collector: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  expect(logLines.join('\n')).not.toMatch(/collector( |%20)secret/);
});

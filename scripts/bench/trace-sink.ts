// Where the subgraph's spans go in a --tracing run: a plain HTTP server in the benchmark's process standing in
// for an OpenTelemetry Collector. It reads each OTLP/JSON export and throws it away, counting what came: its
// CPU is the benchmark's, not the server's.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TraceSink {
  /** OTEL_EXPORTER_OTLP_ENDPOINT for the subgraph. */
  endpoint: string;
  /** Exports received so far, and their bytes. */
  received(): { exports: number; bytes: number };
  close(): Promise<void>;
}

/** The W3C traceparent the benchmark sends as a router would: sampled, the same parent for every request. */
export const BENCH_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

export async function startTraceSink(): Promise<TraceSink> {
  let exports = 0;
  let bytes = 0;
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      exports += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received: () => ({ exports, bytes }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// /health, /ready and /metrics alone, for a process that answers nothing else: `identity-labels events consume
// --metrics-port`. The same probes as the server's (server.ts), on a port of their own.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics';
import { answerNotFound, listen, registerProbes, type HttpSettings, type Readiness } from './server';

export interface ProbeServer {
  /** The address the probes answer on, e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

export async function startProbeServer(
  settings: Pick<HttpSettings, 'port' | 'host'>,
  options: { metrics: Metrics; readiness(): Promise<Readiness>; log: Logger },
): Promise<ProbeServer> {
  // Probes hit every few seconds: no line for each.
  const fastify = Fastify({
    loggerInstance: options.log.child({}),
    disableRequestLogging: true,
  }) as unknown as FastifyInstance; // as the server's: pino's Logger is narrower than Fastify's logger type
  registerProbes(fastify, options);
  answerNotFound(fastify);
  const url = await listen(fastify, settings);
  return { url, close: () => fastify.close() };
}

// `identity-labels events ...`: the platform's event stream. `consume` runs the consumer (and the outbox
// relay) alone, for a deployment of its own, as the server does with NATS_URL; `setup-stream` creates the
// stream for development and tests (in production the stream is the platform's, and nothing here creates it).
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Command } from 'commander';
import pino from 'pino';
import type { Config } from '../config';
import { loadConfig } from '../config';
import { PolicyStageCache } from '../db/policy-stages';
import { errorMessage } from '../errors';
import { Metrics } from '../observability/metrics';
import { RealNames } from '../real-names/real-names';
import { serveEventProbes, startEvents } from '../wiring/events';
import { Lifecycle } from '../wiring/lifecycle';
import type { CommandIo } from './command-io';
import { CommandError, tellServers, type CommandDatabase } from './database';
import { wholeNumber } from './options';

function requireNats(config: Config): string {
  if (config.events.natsUrl === undefined) {
    throw new CommandError('NATS_URL is not set: nats://host:4222, a NATS server with JetStream', 'CONFIG_INVALID');
  }
  return config.events.natsUrl;
}

/**
 * Runs until Ctrl-C or SIGTERM; then drains the batch in flight and stops. With `metricsPort`, /metrics and
 * /ready answer on it (on HOST), as the server's do.
 */
async function consume(
  io: CommandIo,
  { dataSource, config, changes }: CommandDatabase,
  metricsPort: number | undefined,
): Promise<void> {
  requireNats(config);
  // JSON log lines on standard error, as the server writes them (never a name, an address or a key).
  const log = pino({ level: config.logLevel, base: { service: 'identity-labels-events' } }, pino.destination(2));
  const lifecycle = new Lifecycle();
  try {
    const stages = new PolicyStageCache(dataSource, log);
    await stages.start(config.policyRefreshSeconds);
    lifecycle.add(() => stages.stop());
    const storage = {
      dataSource,
      stages: () => stages.current(),
      realNames: new RealNames(config.realNameKeys),
      announce: tellServers(changes),
    };
    const metrics = new Metrics(dataSource);
    const events = startEvents(config, storage, metrics, { log, clock: () => new Date() }, lifecycle);
    log.info({ stream: config.events.stream, consumer: config.events.consumer }, 'events consume: running');
    if (metricsPort !== undefined) {
      const settings = { port: metricsPort, host: config.host };
      const url = await serveEventProbes(settings, dataSource, events, metrics, { log }, lifecycle);
      log.info(`events consume: /metrics and /ready on ${url}`);
    }
    const releases: (() => void)[] = [];
    await new Promise<void>((resolve) => releases.push(io.onInterrupt(resolve), io.onTerminate(resolve)));
    for (const release of releases) release();
    log.info('events consume: stopping');
  } finally {
    await lifecycle.close();
  }
}

/** The stream of a development machine: the platform's events, and what this service publishes on it. */
async function setupStream(io: CommandIo, subjects: string[]): Promise<void> {
  const config = loadConfig();
  const url = requireNats(config);
  const { stream, outPrefix, deadLetterSubject } = config.events;
  const connection = await connect({ servers: url.split(',') }).catch((error: unknown) => {
    throw new CommandError(`cannot reach NATS: ${errorMessage(error)}`);
  });
  try {
    const manager = await jetstreamManager(connection);
    const existing = await manager.streams.info(stream).catch(() => undefined);
    if (existing !== undefined) {
      io.stdout.write(
        `events setup-stream: stream ${stream} exists (subjects ${existing.config.subjects.join(', ')})\n`,
      );
      return;
    }
    const all = [...subjects, `${outPrefix}.>`, deadLetterSubject];
    await manager.streams.add({ name: stream, subjects: all }).catch((error: unknown) => {
      throw new CommandError(`cannot create stream ${stream}: ${errorMessage(error)}`);
    });
    io.stdout.write(`events setup-stream: created stream ${stream} (subjects ${all.join(', ')})\n`);
  } finally {
    await connection.close();
  }
}

export function register(program: Command, io: CommandIo): void {
  const events = program
    .command('events')
    .description("the platform's event stream (NATS JetStream): consume it, or set one up for development");
  events
    .command('consume')
    .description(
      'consume the platform events and relay the outbox, until Ctrl-C or SIGTERM (as the server does with NATS_URL)',
    )
    .addHelpText(
      'after',
      '\nInstances (servers and this command) share the durable consumer EVENTS_CONSUMER: the work is split, and\n' +
        'an event is applied once whichever instance gets it. Logs are JSON lines on standard error.\n\n' +
        'Example:\n  NATS_URL=nats://127.0.0.1:4222 identity-labels events consume --metrics-port 9464',
    )
    .option(
      '--metrics-port <port>',
      'serve /metrics and /ready (the consumer, its lag, the relay) on this port, on HOST; 0 picks a free one',
      wholeNumber('--metrics-port', 0, 65_535),
    )
    .action((options: { metricsPort?: number }) =>
      io.withDatabase((database) => consume(io, database, options.metricsPort)),
    );
  events
    .command('setup-stream')
    .description("create EVENTS_STREAM for development and tests (in production the stream is the platform's)")
    .option('--subjects <subjects...>', "the platform's event subjects", ['platform.>'])
    .addHelpText(
      'after',
      "\nThe stream also keeps this service's own subjects: EVENTS_OUT_PREFIX.> and EVENTS_DEAD_LETTER_SUBJECT.\n" +
        'An existing stream is left as it is.\n\nExample:\n  NATS_URL=nats://127.0.0.1:4222 identity-labels events setup-stream',
    )
    .action((options: { subjects: string[] }) => setupStream(io, options.subjects));
}

// The platform's events in (the JetStream consumer with NATS_URL, POST /events with EVENTS_WRITER_SECRET),
// both through the one core, whose commits every instance hears of through the change feed; and with NATS_URL
// the outbox relayed out to the stream. The server and `identity-labels events consume` build it here alike.
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ConfigError, type Config } from '../config';
import { databaseAnswers } from '../db/data-source';
import { JetStreamConsumer, type ConsumerState } from '../events/jetstream-consumer';
import { NatsLink } from '../events/nats-connection';
import { OutboxRelay, type RelayState } from '../events/outbox-relay';
import { receiveEvents, type Disposition, type IncomingMessage } from '../events/receive-events';
import { startProbeServer } from '../http/probe-server';
import { READY_TIMEOUT_MS, type Readiness } from '../http/server';
import { IpDatabase } from '../ip-location/ip-database';
import type { Metrics } from '../observability/metrics';
import type { PolicyStage } from '../policy/types';
import type { RealNames } from '../real-names/real-names';
import { withTimeout } from '../timeout';
import type { Lifecycle } from './lifecycle';
import type { ReadPath } from './read-path';
import type { Storage } from './storage';

/** How long a shutdown waits for the batch in flight; cut short, its transaction rolls back unacknowledged. */
const BATCH_DRAIN_MS = 10_000;

/** What the events are applied to. */
export interface EventStorage {
  dataSource: DataSource;
  stages: () => readonly PolicyStage[];
  realNames: RealNames;
  /** After each commit: every instance forgets these accounts (the change feed). */
  announce: (userIds: readonly string[]) => void;
}

/** The server's storage, its writes told to every instance through the change feed. */
export function eventStorage(storage: Storage, readPath: ReadPath): EventStorage {
  return {
    dataSource: storage.dataSource,
    stages: () => storage.stages.current(),
    realNames: storage.realNames,
    announce: (userIds) => void readPath.changes.announce({ userIds }),
  };
}

export interface Events {
  /** The core, bound to this service's storage: what POST /events calls. */
  receive(messages: IncomingMessage[]): Promise<Disposition[]>;
  /** The consumer's state, with NATS_URL. */
  consumerState?: () => ConsumerState;
  /** The outbox relay's state, with NATS_URL. */
  relayState?: () => RelayState;
  /** The shared NATS connection, with NATS_URL (the relay publishes on it). */
  link?: NatsLink;
}

function eventCore(
  config: Config,
  storage: EventStorage,
  metrics: Metrics,
  options: { clock: () => Date },
): Events['receive'] {
  const ipDatabase = IpDatabase.open(config.ipLocation.databasePaths);
  const pseudonymKey = config.pseudonymKey!; // required with the events (config.ts)
  return (messages) =>
    receiveEvents(storage.dataSource, messages, {
      stages: storage.stages,
      rules: { hysteresisRatio: config.hysteresisRatio },
      clock: options.clock,
      realNames: storage.realNames,
      pseudonymKey,
      ipDatabase,
      onCommitted: storage.announce,
      observer: {
        counted: (type, outcome) => metrics.events.inc({ type, outcome }),
        rejected: (rejection) => metrics.eventsRejected.inc({ reason: rejection.reason }),
        committed: (events, seconds) => {
          metrics.eventBatchDuration.observe(seconds);
          metrics.eventBatchSize.observe(events);
        },
      },
    });
}

/** Starts what the configuration asks for; undefined when neither NATS_URL nor EVENTS_WRITER_SECRET is set. */
export function startEvents(
  config: Config,
  storage: EventStorage,
  metrics: Metrics,
  options: { log: Logger; clock: () => Date },
  lifecycle: Lifecycle,
): Events | undefined {
  const { natsUrl, writerSecret } = config.events;
  if (natsUrl === undefined && writerSecret === undefined) return undefined;
  const receive = eventCore(config, storage, metrics, options);
  if (natsUrl === undefined) return { receive };
  if (config.databaseUrl === undefined) {
    // The embedded demo's database is gone with the process: acknowledged events would be lost with it.
    throw new ConfigError(
      'invalid configuration:\n  NATS_URL: needs DATABASE_URL (the embedded demo consumes no events)',
    );
  }
  const link = new NatsLink(natsUrl, 'identity-labels', options.log);
  link.start();
  lifecycle.add(() => link.close());
  const consumer = new JetStreamConsumer(link, config.events, receive, options.log, {
    skippedOwn: () => metrics.eventsOwnSkipped.inc(),
    retried: () => metrics.eventBatchRetries.inc(),
    deadLettered: (outcome) => metrics.eventsDeadLettered.inc({ outcome }),
  });
  consumer.start();
  lifecycle.add(() => withTimeout(consumer.stop(), BATCH_DRAIN_MS, () => undefined));
  metrics.watchEventConsumer(() => consumer.state());
  const relay = new OutboxRelay(storage.dataSource, link, config.events.outPrefix, options.log, {
    published: (type, count) => metrics.eventsPublished.inc({ type }, count),
  });
  relay.start();
  lifecycle.add(() => withTimeout(relay.stop(), BATCH_DRAIN_MS, () => undefined));
  metrics.watchRelay(() => relay.state());
  return { receive, consumerState: () => consumer.state(), relayState: () => relay.state(), link };
}

/**
 * What /ready shows of the events, beside the database: the consumer and the relay (with NATS_URL). Shown, never
 * required: reads do not need them, and the events wait in the stream.
 */
export function eventsDetails(events: Events | undefined): Record<string, unknown> {
  return {
    ...(events?.consumerState !== undefined && { events: events.consumerState() }),
    ...(events?.relayState !== undefined && { relay: events.relayState() }),
  };
}

/**
 * /health, /ready and /metrics on a port of their own, for `identity-labels events consume --metrics-port`: the
 * server's probes, with what this process does (the database it writes to, the consumer, the relay).
 */
export async function serveEventProbes(
  settings: { port: number; host: string },
  dataSource: DataSource,
  events: Events | undefined,
  metrics: Metrics,
  options: { log: Logger },
  lifecycle: Lifecycle,
): Promise<string> {
  const readiness = async (): Promise<Readiness> => {
    const details = eventsDetails(events);
    return (await databaseAnswers(dataSource, READY_TIMEOUT_MS))
      ? { ready: true, details }
      : { ready: false, reason: 'database unreachable', details };
  };
  const server = await startProbeServer(settings, { metrics, readiness, log: options.log });
  lifecycle.add(() => server.close());
  return server.url;
}

// The event stream in tests: a JetStream stream of the file's own on the shared nats-server (subjects under
// a prefix of its own, so that no two files' streams overlap), deleted after the file; publishing, reading
// back what the service published, and looking at the consumer.
import { randomBytes } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { startedForTheFile } from './teardown';

export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const PSEUDONYM_KEY = 'AZTynN10d3740gdhZE4XV716Z0wRyxSJpM4gOSRoQY8=';

export interface TestStream {
  name: string;
  /** The subject the platform's events are published on (any under `${prefix}.events.` would do). */
  eventSubject: string;
  deadLetterSubject: string;
  outPrefix: string;
  consumer: string;
  /** The service's environment for this stream. */
  env(url?: string): Record<string, string>;
  connection: NatsConnection;
  manager: JetStreamManager;
  /** Publishes each event (an object is sent as JSON, a string as is); resolves once the stream has them. */
  publish(...events: unknown[]): Promise<void>;
  consumerInfo(): Promise<ConsumerInfo>;
  /**
   * Makes the durable consumer before the service does, with a short ack wait: a test that kills the service
   * or its NATS then sees the unacknowledged messages come back in seconds rather than 30.
   */
  createConsumer(ackWaitMs: number): Promise<void>;
  /** Resolves once the stream answers again (after its server was restarted). */
  available(): Promise<void>;
  /** Every message on `subject` kept by the stream, oldest first: its data as text and its headers. */
  messagesOn(subject: string): Promise<{ data: string; headers: Record<string, string>; msgId?: string }[]>;
  close(): Promise<void>;
}

/** Makes the stream, as `identity-labels events setup-stream` does: the events, the service's own out and dead letters. */
export async function createTestStream(url = TEST_NATS_URL, prefix = newStreamName()): Promise<TestStream> {
  // Reconnects at once and for ever: a fault test restarts the server under it.
  const connection = await connect({ servers: url, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
  const manager = await jetstreamManager(connection);
  const stream: Pick<
    TestStream,
    'name' | 'eventSubject' | 'deadLetterSubject' | 'outPrefix' | 'consumer' | 'connection' | 'manager'
  > = {
    name: prefix,
    eventSubject: `${prefix}.events.platform`,
    deadLetterSubject: `${prefix}.dead-letter`,
    outPrefix: `${prefix}.out`,
    consumer: `${prefix}-consumer`,
    connection,
    manager,
  };
  await manager.streams.add({ name: prefix, subjects: [`${prefix}.>`] });
  const js = jetstream(connection);
  return {
    ...stream,
    env: (natsUrl = url) => streamEnv(prefix, natsUrl),
    async publish(...events) {
      await Promise.all(
        events.map((event) =>
          js.publish(stream.eventSubject, typeof event === 'string' ? event : JSON.stringify(event)),
        ),
      );
    },
    consumerInfo: () => manager.consumers.info(stream.name, stream.consumer),
    async createConsumer(ackWaitMs) {
      await manager.consumers.add(stream.name, {
        durable_name: stream.consumer,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: ackWaitMs * 1_000_000,
        max_ack_pending: 20_000,
      });
    },
    async available() {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await manager.streams.info(stream.name);
          return;
        } catch (error) {
          if (attempt > 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    async messagesOn(subject) {
      const info = await manager.streams.info(stream.name);
      const found = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
        const message = await manager.streams.getMessage(stream.name, { seq }).catch(() => null);
        if (message === null || message.subject !== subject) continue;
        const headers: Record<string, string> = {};
        for (const [key, values] of message.header ?? []) headers[key] = values.join(',');
        found.push({ data: message.string(), headers, msgId: headers['Nats-Msg-Id'] });
      }
      return found;
    },
    async close() {
      await manager.streams.delete(stream.name).catch(() => undefined);
      await connection.close();
    },
  };
}

export function newStreamName(): string {
  return `it-${randomBytes(5).toString('hex')}`;
}

/** The service's environment for a stream of this name (known before the stream is made). */
export function streamEnv(name: string, natsUrl = TEST_NATS_URL): Record<string, string> {
  return {
    NATS_URL: natsUrl,
    EVENTS_STREAM: name,
    EVENTS_CONSUMER: `${name}-consumer`,
    EVENTS_DEAD_LETTER_SUBJECT: `${name}.dead-letter`,
    EVENTS_OUT_PREFIX: `${name}.out`,
    PSEUDONYM_KEY,
  };
}

/**
 * A stream for the tests of one file: made before them, deleted after. Its names (and `env()`) are known at
 * once, so that a server of the file can be configured with them before the stream exists.
 */
export function useTestStream(url = TEST_NATS_URL): TestStream {
  const name = newStreamName();
  const handle = startedForTheFile(
    () => createTestStream(url, name),
    (stream) => stream.close(),
  );
  Object.assign(handle, { name, env: (natsUrl = url) => streamEnv(name, natsUrl) });
  return handle;
}

/** Reads `/metrics` and returns the value of one sample (0 when absent). */
export async function metricValue(baseUrl: string, sample: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

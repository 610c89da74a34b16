// The platform's events from NATS JetStream: a durable pull consumer (EVENTS_CONSUMER) on the platform's
// stream (EVENTS_STREAM), shared by every instance, so that the server splits the work between them. Messages
// are gathered into batches (whatever has arrived, up to EVENTS_BATCH_SIZE, while the previous batch was
// applied) and handed to the broker-neutral core (receive-events.ts). A message is acknowledged only after
// its batch has committed; a bad one is copied to the dead-letter subject and terminated; while the database
// fails, nothing is acknowledged and the batch is tried again with backoff (the messages are kept from
// redelivery meanwhile). The subject of a message is not interpreted, except to skip what this service itself
// published (its events out and its dead letters), should the stream capture those subjects too.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { errorForLog } from '../errors';
import type { Rejection } from './cloud-event';
import type { NatsLink } from './nats-connection';
import type { Disposition, IncomingMessage } from './receive-events';

export interface ConsumerSettings {
  stream: string;
  consumer: string;
  deadLetterSubject: string;
  outPrefix: string;
  batchSize: number;
}

export interface ConsumerObserver {
  /** A message of this service's own (an event it published, a dead letter) acknowledged and skipped. */
  skippedOwn?(): void;
  /** A batch the database failed: it is tried again. */
  retried?(): void;
  deadLettered?(outcome: 'copied' | 'failed'): void;
}

/** What /ready and /metrics show; `pending` and the rest are from the last look at the consumer (null: never). */
export interface ConsumerState {
  state: 'connecting' | 'consuming' | 'reconnecting' | 'waiting for the stream' | 'stopped';
  /** Messages in the stream the consumer has not delivered yet. */
  pending: number | null;
  /** Messages delivered and not acknowledged yet. */
  ackPending: number | null;
  /** Age of the oldest message not acknowledged yet (delivered or not), in seconds. */
  oldestUnackedSeconds: number | null;
  /** The database failed the batch in flight: it is being tried again. */
  retrying: boolean;
}

/** How long the server waits for an acknowledgement before it delivers a message again. */
const ACK_WAIT_MS = 30_000;
const LAG_CHECK_MS = 2_000;
const PULL_EXPIRES_MS = 5_000;
/** Transactions applying batches at once, per instance. */
const BATCHES_IN_FLIGHT = 2;
const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 5_000;
const NANOS_PER_MS = 1_000_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class JetStreamConsumer {
  private readonly buffer: JsMsg[] = [];
  /** The batches being applied, at most BATCHES_IN_FLIGHT. */
  private readonly inFlight = new Set<JsMsg[]>();
  private readonly handling = new Set<Promise<void>>();
  private stopping = false;
  private halt: () => void = () => undefined;
  /** Settles when stop() is called: a wait for NATS ends there. */
  private readonly halted = new Promise<undefined>((resolve) => (this.halt = () => resolve(undefined)));
  private retrying = false;
  private phase: ConsumerState['state'] = 'connecting';
  private lag: Pick<ConsumerState, 'pending' | 'ackPending' | 'oldestUnackedSeconds'> = {
    pending: null,
    ackPending: null,
    oldestUnackedSeconds: null,
  };
  private stopConsuming: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private lagTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly link: NatsLink,
    private readonly settings: ConsumerSettings,
    /** The core: reads and applies a batch; throws when the database fails. */
    private readonly receive: (messages: IncomingMessage[]) => Promise<Disposition[]>,
    private readonly log: Logger,
    private readonly observer: ConsumerObserver = {},
  ) {}

  start(): void {
    this.running = this.run();
  }

  state(): ConsumerState {
    const state = this.phase === 'consuming' && this.link.state() === 'reconnecting' ? 'reconnecting' : this.phase;
    return { state, ...this.lag, retrying: this.retrying };
  }

  private async run(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt += 1) {
      const connection = await this.connection();
      if (connection === undefined || this.stopping) return;
      try {
        await this.consume(connection);
        return;
      } catch (error) {
        if (this.stopping) return;
        this.phase = 'waiting for the stream';
        this.log.warn(
          { err: errorForLog(error), stream: this.settings.stream, consumer: this.settings.consumer },
          'cannot consume the event stream, will retry',
        );
        await sleep(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt));
      }
    }
  }

  /** Finds (or makes) the durable consumer and pulls from it until stopped. */
  private async consume(connection: NatsConnection): Promise<void> {
    const { stream, consumer: durable, batchSize } = this.settings;
    const manager = await jetstreamManager(connection);
    await manager.streams.info(stream); // the platform's: never created here
    const info = await manager.consumers.info(stream, durable).catch(async (error: unknown) => {
      if (!/consumer not found/i.test(String(error))) throw error;
      this.log.info({ stream, consumer: durable }, 'creating the durable event consumer');
      return manager.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: ACK_WAIT_MS * NANOS_PER_MS,
        max_ack_pending: batchSize * 4,
      });
    });
    this.keepAlive((info.config.ack_wait ?? ACK_WAIT_MS * NANOS_PER_MS) / NANOS_PER_MS);
    const consumer = await jetstream(connection).consumers.get(stream, durable);
    const messages = await consumer.consume({
      max_messages: batchSize * 2,
      // Pull requests last 5 s (heartbeats every 2.5 s): after NATS comes back, a lost pull is noticed soon.
      expires: PULL_EXPIRES_MS,
      callback: (message) => {
        if (this.stopping) return message.nak(); // delivered after the stop: to another instance at once
        this.buffer.push(message);
        this.pump();
      },
    });
    this.stopConsuming = () => messages.stop();
    this.phase = 'consuming';
    this.log.info({ stream, consumer: durable }, 'consuming platform events');
    this.lagTimer = setInterval(() => void this.checkLag(connection), LAG_CHECK_MS);
    void this.checkLag(connection);
    const ended = await messages.closed();
    clearInterval(this.lagTimer);
    clearInterval(this.keepAliveTimer);
    if (!this.stopping) throw ended instanceof Error ? ended : new Error('the consumer stopped');
  }

  /**
   * Messages received and not acknowledged yet (the batch in flight, however long the database takes, and
   * those waiting for it) are kept from redelivery: a third of the consumer's ack wait at a time.
   */
  private keepAlive(ackWaitMs: number): void {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = setInterval(
      () => {
        for (const message of [...[...this.inFlight].flat(), ...this.buffer]) message.working();
      },
      Math.max(200, ackWaitMs / 3),
    );
  }

  /**
   * Applies what has arrived, a batch at a time, with up to BATCHES_IN_FLIGHT transactions at once (the
   * database works on one while the next is read and checked). Their order does not matter: an account's facts
   * go by observedAt, and two batches that touch one account are serialized by its row lock.
   */
  private pump(): void {
    while (this.buffer.length > 0 && !this.stopping && this.inFlight.size < BATCHES_IN_FLIGHT) {
      const batch = this.buffer.splice(0, this.settings.batchSize);
      this.inFlight.add(batch);
      const handled: Promise<void> = this.handle(batch)
        .catch((error: unknown) => {
          // Unacknowledged, the batch comes back after the ack wait; nothing of it was lost.
          this.log.error({ err: errorForLog(error) }, 'event batch could not be handled');
        })
        .finally(() => {
          this.inFlight.delete(batch);
          this.handling.delete(handled);
          this.pump();
        });
      this.handling.add(handled);
    }
  }

  private isOwn(message: JsMsg): boolean {
    const { deadLetterSubject, outPrefix } = this.settings;
    return message.subject === deadLetterSubject || message.subject.startsWith(`${outPrefix}.`);
  }

  private async handle(batch: JsMsg[]): Promise<void> {
    const own = batch.filter((message) => this.isOwn(message));
    for (const message of own) {
      message.ack();
      this.observer.skippedOwn?.();
    }
    const events = batch.filter((message) => !this.isOwn(message));
    const dispositions = await this.applyWithRetry(events);
    if (dispositions === undefined) {
      // Stopped while the database was failing: nothing was applied, another instance takes them at once.
      for (const message of events) message.nak();
      return;
    }
    for (const [index, disposition] of dispositions.entries()) {
      const message = events[index]!;
      if (disposition.done) message.ack();
      else await this.deadLetter(message, disposition.rejection);
    }
  }

  /** The batch applied, tried again with backoff while the database fails; undefined if stopped first. */
  private async applyWithRetry(events: JsMsg[]): Promise<Disposition[] | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const dispositions = await this.receive(events.map((message) => message.data));
        if (this.retrying) this.log.info({ attempts: attempt }, 'event batch applied after retries');
        this.retrying = false;
        return dispositions;
      } catch (error) {
        if (attempt === 1 || attempt % 10 === 0) {
          this.log.warn({ err: errorForLog(error), events: events.length, attempt }, 'event batch failed, will retry');
        }
        this.retrying = true;
        this.observer.retried?.();
        if (this.stopping) return undefined;
        await sleep(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1)));
        if (this.stopping) return undefined;
      }
    }
  }

  /**
   * Copies the message whole to the dead-letter subject (through JetStream when a stream captures it, so that
   * a copy made twice is kept once), then terminates it: it is never delivered again. If the copy cannot be
   * made, the message is left unacknowledged and comes back, to be copied then.
   */
  private async deadLetter(message: JsMsg, rejection: Rejection): Promise<void> {
    this.log.warn({ eventId: rejection.eventId, reason: rejection.reason, detail: rejection.detail }, 'event refused');
    const connection = await this.connection();
    if (connection === undefined) return;
    const headers = natsHeaders();
    headers.set('Identity-Labels-Reason', rejection.reason);
    headers.set('Identity-Labels-Detail', rejection.detail);
    headers.set('Identity-Labels-Stream', this.settings.stream);
    headers.set('Identity-Labels-Stream-Sequence', String(message.seq));
    headers.set('Identity-Labels-Subject', message.subject);
    const { deadLetterSubject, stream } = this.settings;
    try {
      await jetstream(connection)
        .publish(deadLetterSubject, message.data, { headers, msgID: `dead-letter:${stream}:${message.seq}` })
        .catch((error: unknown) => {
          // No stream keeps the subject: a plain NATS message, for whoever listens.
          if (!/no responders|503/i.test(String(error))) throw error;
          connection.publish(deadLetterSubject, message.data, { headers });
        });
      message.term(); // no reason given: nats-server 2.9 ignores a +TERM that carries one
      this.observer.deadLettered?.('copied');
    } catch (error) {
      this.log.warn({ err: errorForLog(error), eventId: rejection.eventId }, 'dead letter could not be copied');
      this.observer.deadLettered?.('failed');
    }
  }

  /** The consumer's lag, as JetStream reports it, and the age of its oldest unacknowledged message. */
  private async checkLag(connection: NatsConnection): Promise<void> {
    try {
      const manager = await jetstreamManager(connection);
      const info = await manager.consumers.info(this.settings.stream, this.settings.consumer);
      let oldest: number | null = 0;
      if (info.num_pending + info.num_ack_pending > 0) {
        const first = await manager.streams
          .getMessage(this.settings.stream, { seq: info.ack_floor.stream_seq + 1 })
          .catch(() => null);
        oldest = first === null ? null : Math.max(0, (Date.now() - new Date(first.time).getTime()) / 1000);
      }
      this.lag = { pending: info.num_pending, ackPending: info.num_ack_pending, oldestUnackedSeconds: oldest };
    } catch {
      // NATS unreachable: the last values stand, and the state says so
    }
  }

  /**
   * Stops pulling, hands the messages not started back (to another instance at once), lets the batch in
   * flight finish (its acknowledgements are flushed when the link closes), and waits for the loop to end.
   */
  /** The NATS connection once there is one; undefined if stopped first. */
  private connection() {
    return Promise.race([this.link.connected(), this.halted]);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.halt();
    clearInterval(this.lagTimer);
    this.stopConsuming?.();
    for (const message of this.buffer.splice(0)) message.nak();
    while (this.handling.size > 0) await Promise.all([...this.handling]);
    clearInterval(this.keepAliveTimer);
    await this.running;
    this.phase = 'stopped';
  }
}

// The relay: what the outbox holds (notices, withdrawals, label changes, each written in the transaction of
// the change it announces) goes out to the stream as CloudEvents (events-out.ts), in outbox order, and is
// marked delivered only once the stream has acknowledged it. One relay at a time across every instance: the
// one that holds a MySQL named lock; the others stand by and take over when its connection goes. A crash
// between the stream's acknowledgement and the mark publishes the entry again: at least once, with the outbox
// id as the message id, so that JetStream drops the copy within its duplicate window (and a consumer that
// keeps ids drops it after).
import { jetstream } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { DataSource, QueryRunner } from 'typeorm';
import {
  countPending,
  holdsRelayLock,
  markDelivered,
  pendingEntries,
  releaseRelayLock,
  tryRelayLock,
} from '../db/outbox-rows';
import { errorForLog } from '../errors';
import type { NotificationKind } from '../db/tables';
import { EVENT_TYPES_OUT, outgoingEvent } from './events-out';
import type { NatsLink } from './nats-connection';

export interface RelayObserver {
  published?(type: string, count: number): void;
}

export interface RelayState {
  /** This instance holds the lock and relays. */
  leader: boolean;
  /** Entries not delivered yet, at the leader's last count (null: not counted here). */
  pending: number | null;
}

/** How often the leader looks for new entries, and a standby tries the lock. */
const POLL_MS = 200;
const STANDBY_MS = 1000;
const BATCH = 500;
const COUNT_EVERY_MS = 2000;

export class OutboxRelay {
  private stopping = false;
  private halt: () => void = () => undefined;
  /** Settles when stop() is called: a wait for NATS ends there. */
  private readonly halted = new Promise<undefined>((resolve) => (this.halt = () => resolve(undefined)));
  private running: Promise<void> | undefined;
  private holder: QueryRunner | undefined;
  private current: RelayState = { leader: false, pending: null };
  private counted = 0;
  private wake: (() => void) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly link: NatsLink,
    private readonly outPrefix: string,
    private readonly log: Logger,
    private readonly observer: RelayObserver = {},
  ) {}

  start(): void {
    this.running = this.run();
  }

  state(): RelayState {
    return { ...this.current };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (await this.lead()) {
          const full = await this.relayOnce();
          if (!full) await this.pause(POLL_MS);
        } else {
          await this.pause(STANDBY_MS);
        }
      } catch (error) {
        if (this.stopping) break;
        this.log.warn({ err: errorForLog(error) }, 'outbox relay failed, will retry');
        await this.letGo();
        await this.pause(STANDBY_MS);
      }
    }
    await this.letGo();
  }

  /** Holds the lock, or takes it if it is free; false while another instance relays. */
  private async lead(): Promise<boolean> {
    if (this.holder !== undefined && (await holdsRelayLock(this.holder))) return true;
    await this.letGo();
    const holder = this.dataSource.createQueryRunner();
    if (await tryRelayLock(holder).catch(() => false)) {
      this.holder = holder;
      this.current = { leader: true, pending: null };
      this.log.info('outbox relay: this instance relays');
      return true;
    }
    await holder.release();
    return false;
  }

  private async letGo(): Promise<void> {
    const holder = this.holder;
    this.holder = undefined;
    if (this.current.leader) this.log.info('outbox relay: this instance stands by');
    this.current = { leader: false, pending: null };
    if (holder === undefined) return;
    await releaseRelayLock(holder).catch(() => undefined);
    await holder.release().catch(() => undefined);
  }

  /**
   * Publishes the oldest pending entries, all at once on one connection (the stream stores them in that order),
   * and marks delivered those the stream acknowledged, up to the first it did not: an entry is never marked
   * ahead of an earlier one. Returns whether there may be more.
   */
  private async relayOnce(): Promise<boolean> {
    if (Date.now() - this.counted > COUNT_EVERY_MS) {
      this.current.pending = await countPending(this.dataSource);
      this.counted = Date.now();
    }
    const entries = await pendingEntries(this.dataSource, BATCH);
    if (entries.length === 0) return false;
    const connection = await this.connection();
    if (connection === undefined) return false;
    const js = jetstream(connection);
    const outcomes = await Promise.allSettled(
      entries.map((entry) => {
        const event = outgoingEvent(entry, this.outPrefix);
        return js.publish(event.subject, event.body, { msgID: event.messageId });
      }),
    );
    const firstFailure = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    const acknowledged = firstFailure === -1 ? entries : entries.slice(0, firstFailure);
    await markDelivered(
      this.dataSource,
      acknowledged.map((entry) => entry.id),
      new Date(),
    );
    const byType = new Map<NotificationKind, number>();
    for (const entry of acknowledged) byType.set(entry.kind, (byType.get(entry.kind) ?? 0) + 1);
    for (const [kind, count] of byType) this.observer.published?.(EVENT_TYPES_OUT[kind].type, count);
    if (firstFailure !== -1) {
      const reason = (outcomes[firstFailure] as PromiseRejectedResult).reason as unknown;
      this.log.warn(
        { err: errorForLog(reason), delivered: acknowledged.length },
        'outbox relay: the stream did not take an entry',
      );
      await this.pause(STANDBY_MS);
      return false;
    }
    return entries.length === BATCH;
  }

  /** Waits `ms`, or less if stopped. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Lets the pass in flight finish (what it published is marked), releases the lock, and stops. */
  /** The NATS connection once there is one; undefined if stopped first. */
  private connection() {
    return Promise.race([this.link.connected(), this.halted]);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.halt();
    this.wake?.();
    await this.running;
  }
}

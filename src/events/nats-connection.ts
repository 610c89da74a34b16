// The one connection to NATS that the consumer and the relay share. NATS down at start-up does not stop the
// service (reads do not need it): the connection is tried again with backoff until it is made, and once made
// the client reconnects by itself for as long as the service runs. The URL may carry credentials: it is never
// logged.
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { errorForLog } from '../errors';

export type NatsState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

export class NatsLink {
  private connection: NatsConnection | undefined;
  private current: NatsState = 'connecting';
  private closing = false;
  private retry: NodeJS.Timeout | undefined;
  private waiters: ((connection: NatsConnection | undefined) => void)[] = [];

  constructor(
    private readonly servers: string,
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  /** Starts connecting in the background; resolves at once. */
  start(): void {
    void this.attempt(1);
  }

  state(): NatsState {
    return this.current;
  }

  /** The connection once made; undefined if the link is closed first. */
  connected(): Promise<NatsConnection | undefined> {
    if (this.connection !== undefined || this.closing) return Promise.resolve(this.connection);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async attempt(attempt: number): Promise<void> {
    if (this.closing) return;
    try {
      const connection = await connect({
        servers: this.servers.split(',').map((server) => server.trim()),
        name: this.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        pingInterval: 5000,
      });
      if (this.closing) {
        await connection.close();
        return;
      }
      this.connection = connection;
      this.current = 'connected';
      this.log.info('connected to NATS');
      void this.watch(connection);
      for (const waiter of this.waiters.splice(0)) waiter(connection);
    } catch (error) {
      const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
      if (attempt === 1 || delay === MAX_RETRY_MS) {
        this.log.warn({ err: errorForLog(error), retryInMs: delay }, 'NATS is unreachable, will retry');
      }
      this.retry = setTimeout(() => void this.attempt(attempt + 1), delay);
    }
  }

  private async watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnecting') {
        if (this.current === 'connected') this.log.warn('NATS connection lost, reconnecting');
        this.current = 'reconnecting';
      } else if (status.type === 'reconnect') {
        this.log.info('NATS connection restored');
        this.current = 'connected';
      }
    }
  }

  /** Flushes what was sent (acknowledgements included) and closes. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retry);
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
    this.current = 'closed';
    const connection = this.connection;
    if (connection === undefined || connection.isClosed()) return;
    await connection.drain().catch(() => connection.close());
  }
}

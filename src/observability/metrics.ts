// Prometheus metrics. Labels are routes, statuses and error codes only: never an id, a name or a query text.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { FeedState } from '../changes/change-feed';
import type { LookupTimer } from '../db/account-reader';
import type { ReplicaStatus } from '../db/read-replicas';
import type { ConsumerState } from '../events/jetstream-consumer';
import type { RelayState } from '../events/outbox-relay';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Mysql2PoolInternals {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

export class Metrics implements LookupTimer {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'identity_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'identity_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly accountQueryIds = new Histogram({
    name: 'identity_account_query_ids',
    help: 'Account ids per account query: those of a batch the row cache did not hold (one SQL query each)',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [this.registry],
  });

  readonly accountQueryDuration = new Histogram({
    name: 'identity_account_query_duration_seconds',
    help: 'Duration of the account lookup query, by outcome',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly executions = new Counter({
    name: 'identity_graphql_executions_total',
    help: 'GraphQL operations executed, by the executor that answered (graphql-jit, or graphql-js for mutations, errors and fallbacks) and the pipeline (apollo, or known: a document answered before, without Apollo)',
    labelNames: ['executor', 'pipeline'] as const,
    registers: [this.registry],
  });

  readonly graphqlErrors = new Counter({
    name: 'identity_graphql_errors_total',
    help: 'GraphQL errors returned, by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly realNameDecryptions = new Counter({
    name: 'identity_real_name_decryptions_total',
    help: 'Real names decrypted on the read path (only names revealed to the viewer are)',
    registers: [this.registry],
  });

  readonly unreadableRealNames = new Counter({
    name: 'identity_real_name_unreadable_total',
    help: 'Real names due to a viewer that could not be decrypted (the nickname stands in), by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly ipLocationRecords = new Counter({
    name: 'identity_ip_location_records_total',
    help: 'Records sent to POST /ip-locations, by outcome: stored, unchanged (post already located), rejected',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly databaseReads = new Counter({
    name: 'identity_db_reads_total',
    help: 'Read-path reads by where they were answered (replica or primary); fell_back: a replica failed it first',
    labelNames: ['target', 'fell_back'] as const,
    registers: [this.registry],
  });

  readonly changesPublished = new Counter({
    name: 'identity_change_feed_published_total',
    help: 'Changes told to the other instances over Redis, by outcome (sent, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly changesReceived = new Counter({
    name: 'identity_change_feed_received_total',
    help: 'Change messages received from the other instances (and this one)',
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: 'identity_events_total',
    help: 'Platform events by type and outcome: applied, unchanged (nothing to change), duplicate (same source and id applied before), stale (older than what is stored), erased (its account was erased)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly eventsRejected = new Counter({
    name: 'identity_events_rejected_total',
    help: 'Messages refused (dead-lettered by the consumer, rejected by POST /events), by reason: not-json, not-cloudevent, unknown-type, invalid-data',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly eventBatchDuration = new Histogram({
    name: 'identity_event_batch_duration_seconds',
    help: 'How long a batch of events took to apply and commit (one transaction)',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly eventBatchSize = new Histogram({
    name: 'identity_event_batch_events',
    help: 'Events per committed batch',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
    registers: [this.registry],
  });

  readonly eventBatchRetries = new Counter({
    name: 'identity_event_batch_retries_total',
    help: 'Batches of events the database failed, tried again (nothing was acknowledged)',
    registers: [this.registry],
  });

  readonly eventsDeadLettered = new Counter({
    name: 'identity_events_dead_lettered_total',
    help: 'Refused messages copied to EVENTS_DEAD_LETTER_SUBJECT and terminated (outcome copied), or left to come back (failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly eventsOwnSkipped = new Counter({
    name: 'identity_events_own_skipped_total',
    help: "Messages of this service's own (its events out, its dead letters) read from the stream and skipped",
    registers: [this.registry],
  });

  readonly eventsPublished = new Counter({
    name: 'identity_events_published_total',
    help: 'Outbox entries relayed to the stream and acknowledged by it, by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  constructor(dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'identity_' });
    new Gauge({
      name: 'identity_db_pool_connections',
      help: 'MySQL pool connections: all open, free, and requests queued for one',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        // mysql2 has no public pool statistics; these fields are stable across its 3.x releases.
        const pool = (dataSource.driver as unknown as { pool?: Mysql2PoolInternals }).pool;
        if (pool === undefined) return;
        this.set({ state: 'all' }, pool._allConnections?.length ?? 0);
        this.set({ state: 'free' }, pool._freeConnections?.length ?? 0);
        this.set({ state: 'queued' }, pool._connectionQueue?.length ?? 0);
      },
    });
  }

  /** Each replica: in rotation or not, and its lag at the last check (absent while unknown). */
  watchReplicas(status: () => readonly ReplicaStatus[]): void {
    new Gauge({
      name: 'identity_db_replica_in_rotation',
      help: 'Read replicas: 1 while in rotation, 0 while out (down, lagging, replication stopped)',
      labelNames: ['replica'] as const,
      registers: [this.registry],
      collect() {
        for (const replica of status()) this.set({ replica: replica.replica }, replica.inRotation ? 1 : 0);
      },
    });
    new Gauge({
      name: 'identity_db_replica_lag_seconds',
      help: 'Read replicas: seconds behind the primary at the last check',
      labelNames: ['replica'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const replica of status()) {
          if (replica.lagSeconds !== null) this.set({ replica: replica.replica }, replica.lagSeconds);
        }
      },
    });
  }

  /** The change feed: 1 while subscribed, 0 while down (the row cache is then bypassed); absent when off. */
  watchChangeFeed(state: () => FeedState): void {
    new Gauge({
      name: 'identity_change_feed_up',
      help: 'The change feed over Redis: 1 while subscribed, 0 while down (the account cache is then bypassed)',
      registers: [this.registry],
      collect() {
        this.set(state() === 'subscribed' ? 1 : 0);
      },
    });
  }

  /** The event consumer: up or not, and its lag as JetStream last reported it. */
  watchEventConsumer(state: () => ConsumerState): void {
    const gauge = (name: string, help: string, value: (current: ConsumerState) => number | null) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const current = value(state());
          if (current === null) this.reset();
          else this.set(current);
        },
      });
    gauge('identity_events_consumer_up', 'The event consumer: 1 while consuming, 0 otherwise', (current) =>
      current.state === 'consuming' ? 1 : 0,
    );
    gauge(
      'identity_events_pending',
      'Messages in the stream not delivered to the consumer yet',
      (current) => current.pending,
    );
    gauge(
      'identity_events_ack_pending',
      'Messages delivered and not acknowledged yet',
      (current) => current.ackPending,
    );
    gauge(
      'identity_events_oldest_unacked_age_seconds',
      'Age of the oldest message not acknowledged yet (0: none)',
      (current) => current.oldestUnackedSeconds,
    );
    gauge(
      'identity_events_retrying',
      'The database failed the batch in flight: 1 while it is tried again',
      (current) => (current.retrying ? 1 : 0),
    );
  }

  /** The outbox relay: whether this instance relays, and what waits in the outbox. */
  watchRelay(state: () => RelayState): void {
    new Gauge({
      name: 'identity_events_relay_leader',
      help: 'The outbox relay: 1 on the one instance that holds the lock and relays, 0 on the others',
      registers: [this.registry],
      collect() {
        this.set(state().leader ? 1 : 0);
      },
    });
    new Gauge({
      name: 'identity_events_outbox_pending',
      help: 'Outbox entries not delivered to the stream yet (counted by the relaying instance only)',
      registers: [this.registry],
      collect() {
        const { pending } = state();
        if (pending === null) this.reset();
        else this.set(pending);
      },
    });
  }

  /** Times the account query and counts the ids it asks for. */
  async timeLookup<T>(ids: number, lookup: () => Promise<T>): Promise<T> {
    this.accountQueryIds.observe(ids);
    const end = this.accountQueryDuration.startTimer();
    try {
      const result = await lookup();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    }
  }
}

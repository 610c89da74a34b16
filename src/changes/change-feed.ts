// Changes that readers must see at once, told to every instance over one Redis channel (REDIS_URL): after a
// write commits, its writer publishes the user ids it changed (or "everything", for a notify run or a policy
// change); every server subscribes and its row cache forgets them. Only ids travel, never a name.
//
// While the subscription is down (Redis unreachable, a connection that stopped answering pings) a server
// cannot know what changed, so its cache is not trusted: reads go to the database until the subscription is
// back, and then the cache starts empty. A writer that cannot publish says so; the TTL bounds what it missed.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { errorForLog } from '../errors';
import {
  setSpanAttributes,
  SpanKind,
  traceContextHeaders,
  tracingOn,
  withMessageSpan,
  withSpan,
  type SpanAttributes,
} from '../observability/tracing';
import { withTimeout } from '../timeout';

/** What changed: these accounts, or every account (and, with `policy`, the policy stages too). */
export type Change = { userIds: readonly string[] } | { all: true; policy: boolean };

export interface ChangeListener {
  forget(userIds: readonly string[]): void;
  forgetAll(): void;
  /** The policy stages changed: load them again now rather than at the next refresh. */
  policyChanged(): void;
}

export type FeedState = 'off' | 'subscribed' | 'down';

/** Counts for /metrics (the state is read when scraped: `state()`). */
export interface FeedObserver {
  published(outcome: 'sent' | 'failed'): void;
  received(): void;
}

/** Ids per message: a large import is told in pieces of this size. */
const IDS_PER_MESSAGE = 1000;
/** How often the subscription is pinged, and how long an answer may take before it counts as down. */
const HEARTBEAT_MS = 1000;
const PUBLISH_TIMEOUT_MS = 2000;

function retryDelay(attempt: number): number {
  return Math.min(100 * attempt, 2000); // never give up: a server waits for Redis as long as it runs
}

/** The trace context a message carries (W3C traceparent and tracestate), when its writer was traced. */
export type MessageTrace = Partial<Record<'traceparent' | 'tracestate', string>>;

function traceOf(parsed: Record<string, unknown>): MessageTrace {
  const trace: MessageTrace = {};
  if (typeof parsed.traceparent === 'string') trace.traceparent = parsed.traceparent;
  if (typeof parsed.tracestate === 'string') trace.tracestate = parsed.tracestate;
  return trace;
}

/**
 * A message as received, and the trace it carries: anything unreadable is taken as "everything changed" (safe,
 * never stale). Fields it does not know are ignored, so that writers can add some before readers know them.
 */
export function parseMessage(message: string): { change: Change; trace: MessageTrace } {
  try {
    const parsed = JSON.parse(message) as Record<string, unknown>;
    const { userIds } = parsed;
    if (Array.isArray(userIds) && userIds.every((id) => typeof id === 'string')) {
      return { change: { userIds: userIds as string[] }, trace: traceOf(parsed) };
    }
    if (parsed.all === true) return { change: { all: true, policy: parsed.policy === true }, trace: traceOf(parsed) };
  } catch {
    // fall through
  }
  return { change: { all: true, policy: true }, trace: {} };
}

export function parseChange(message: string): Change {
  return parseMessage(message).change;
}

/** The messages that tell a change, one per IDS_PER_MESSAGE ids, each with the writer's trace context, if any. */
export function changeMessages(change: Change, trace: MessageTrace = {}): string[] {
  if ('all' in change) return [JSON.stringify({ all: true, policy: change.policy, ...trace })];
  const messages: string[] = [];
  for (let start = 0; start < change.userIds.length; start += IDS_PER_MESSAGE) {
    messages.push(JSON.stringify({ userIds: change.userIds.slice(start, start + IDS_PER_MESSAGE), ...trace }));
  }
  return messages;
}

/** What a span says of a change: how many accounts, or everything; never an id. */
function changeAttributes(change: Change): SpanAttributes {
  return 'all' in change
    ? { 'identity_labels.change.all': true, 'identity_labels.change.policy': change.policy }
    : { 'identity_labels.change.accounts': change.userIds.length };
}

export interface ChangeFeedOptions {
  url: string | undefined;
  /** REDIS_CHANNEL: one per deployment sharing a Redis. */
  channel: string;
  log: Logger;
  observer?: FeedObserver;
}

/** Publishes changes; `subscribe` makes it a server's feed too. Without a URL it only tells `listener`. */
export class ChangeFeed {
  private readonly channel: string;
  private readonly publisher: Redis | undefined;
  private subscriber: Redis | undefined;
  private listener: ChangeListener | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private currentState: FeedState;
  private readonly pending = new Set<Promise<unknown>>();
  private warnedDown = false;
  private closing = false;

  constructor(private readonly options: ChangeFeedOptions) {
    this.channel = options.channel;
    this.currentState = options.url === undefined ? 'off' : 'down';
    this.publisher =
      options.url === undefined
        ? undefined
        : new Redis(options.url, {
            // A publish waits for the connection (a command publishes right after it starts), for a bound.
            maxRetriesPerRequest: 1,
            connectTimeout: PUBLISH_TIMEOUT_MS,
            retryStrategy: retryDelay,
          });
    this.publisher?.on('error', () => undefined); // each failed publish is reported where it fails
  }

  state(): FeedState {
    return this.currentState;
  }

  /** May a cache serve rows now? Without a feed, yes (the TTL bounds others' writes); with one, while it is up. */
  cacheTrusted = (): boolean => this.currentState !== 'down';

  /** Tells `listener` every change from now on, this process's own first and at once. */
  subscribe(listener: ChangeListener): void {
    this.listener = listener;
    if (this.options.url === undefined) return;
    const subscriber = new Redis(this.options.url, {
      autoResubscribe: false, // subscribed again on every 'ready', below, so that the moment it holds is known
      connectTimeout: PUBLISH_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      retryStrategy: retryDelay,
    });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => {
      this.options.observer?.received();
      const { change, trace } = parseMessage(message);
      // Traced only as part of a traced writer's trace: an untraced change makes no span on every instance.
      if (trace.traceparent === undefined || !tracingOn()) return this.apply(change);
      const attributes = { ...this.messagingAttributes('process'), ...changeAttributes(change) };
      void withMessageSpan(
        (name) => trace[name as keyof MessageTrace],
        `process ${this.channel}`,
        attributes,
        async () => this.apply(change),
      );
    });
    subscriber.on('ready', () => {
      const subscribed = withSpan(`subscribe ${this.channel}`, this.messagingAttributes('subscribe'), () =>
        subscriber.subscribe(this.channel),
      );
      subscribed.then(
        () => {
          // Whatever changed while it was down is unknown: start from an empty cache.
          listener.forgetAll();
          listener.policyChanged();
          this.setState('subscribed');
        },
        (error: unknown) => this.down(error),
      );
    });
    subscriber.on('close', () => this.down(new Error('connection to Redis closed')));
    subscriber.on('error', (error: unknown) => this.down(error));
    this.heartbeat = setInterval(() => {
      if (this.currentState !== 'subscribed') return;
      // A connection that went quiet without closing (a network partition) is noticed here, not by TCP.
      const answered = subscriber.ping().then(() => true);
      const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), HEARTBEAT_MS).unref());
      void Promise.race([answered, timedOut]).then(
        (ok) => {
          if (!ok) {
            this.down(new Error(`no answer to a ping within ${HEARTBEAT_MS} ms`));
            subscriber.disconnect(true);
          }
        },
        (error: unknown) => this.down(error),
      );
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** After a committed write: this process forgets at once, then every other instance is told. */
  announce(change: Change): Promise<void> {
    this.apply(change);
    const publisher = this.publisher;
    if (publisher === undefined) return Promise.resolve();
    const publish = () => {
      // Inside the span: each message carries it as the parent of the receivers' spans.
      const messages = changeMessages(change, traceContextHeaders());
      setSpanAttributes({ 'messaging.batch.message_count': messages.length });
      const published = Promise.all(messages.map((message) => publisher.publish(this.channel, message)));
      return withTimeout(published, PUBLISH_TIMEOUT_MS, () => {
        throw new Error(`Redis did not take the change within ${PUBLISH_TIMEOUT_MS} ms`);
      });
    };
    const attributes = tracingOn() ? { ...this.messagingAttributes('send'), ...changeAttributes(change) } : {};
    const sending = withSpan(`publish ${this.channel}`, attributes, publish, SpanKind.PRODUCER)
      .then(() => this.options.observer?.published('sent'))
      .catch((error: unknown) => {
        this.options.observer?.published('failed');
        this.options.log.warn(
          { err: errorForLog(error) },
          'a change could not be told to the other instances (Redis unreachable): they see it within ACCOUNT_CACHE_TTL_MS',
        );
      });
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
    return sending;
  }

  /** Waits for the publishes under way (a command about to exit), then disconnects. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    await Promise.all(this.pending);
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }

  /** OpenTelemetry's messaging conventions: Redis pub/sub on the feed's channel. */
  private messagingAttributes(operation: 'send' | 'process' | 'subscribe'): SpanAttributes {
    return {
      'messaging.system': 'redis',
      'messaging.operation.name': operation === 'send' ? 'publish' : operation,
      ...(operation !== 'subscribe' && { 'messaging.operation.type': operation }),
      'messaging.destination.name': this.channel,
    };
  }

  private apply(change: Change): void {
    const listener = this.listener;
    if (listener === undefined) return;
    if ('all' in change) {
      listener.forgetAll();
      if (change.policy) listener.policyChanged();
    } else {
      listener.forget(change.userIds);
    }
  }

  /** Once per outage (the first failure, at start-up too), a warning with its cause; then retried quietly. */
  private down(error: unknown): void {
    if (this.closing) return;
    if (!this.warnedDown) {
      this.warnedDown = true;
      this.options.log.warn(
        { err: errorForLog(error) },
        'change feed down (Redis): the account cache is bypassed until it is back',
      );
    }
    this.setState('down');
  }

  private setState(state: FeedState): void {
    if (state === this.currentState) return;
    if (state === 'subscribed') {
      this.warnedDown = false;
      this.options.log.info('change feed subscribed (Redis): the account cache is in use');
    }
    this.currentState = state;
  }
}

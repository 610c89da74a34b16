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

/** A message as received: anything unreadable is taken as "everything changed" (safe, never stale). */
export function parseChange(message: string): Change {
  try {
    const parsed = JSON.parse(message) as { userIds?: unknown; all?: unknown; policy?: unknown };
    if (Array.isArray(parsed.userIds) && parsed.userIds.every((id) => typeof id === 'string')) {
      return { userIds: parsed.userIds as string[] };
    }
    if (parsed.all === true) return { all: true, policy: parsed.policy === true };
  } catch {
    // fall through
  }
  return { all: true, policy: true };
}

/** The messages that tell a change, one per IDS_PER_MESSAGE ids. */
export function changeMessages(change: Change): string[] {
  if ('all' in change) return [JSON.stringify({ all: true, policy: change.policy })];
  const messages: string[] = [];
  for (let start = 0; start < change.userIds.length; start += IDS_PER_MESSAGE) {
    messages.push(JSON.stringify({ userIds: change.userIds.slice(start, start + IDS_PER_MESSAGE) }));
  }
  return messages;
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
      this.apply(parseChange(message));
    });
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
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
    const published = Promise.all(changeMessages(change).map((message) => publisher.publish(this.channel, message)));
    const sending = withTimeout(published, PUBLISH_TIMEOUT_MS, () => {
      throw new Error(`Redis did not take the change within ${PUBLISH_TIMEOUT_MS} ms`);
    })
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

// The broker-neutral core every way in shares (the JetStream consumer, POST /events, and any other log that
// would plug in): a batch of messages is read, the good events are applied in one transaction, and each
// message is answered with what became of it. The door then acknowledges (after this returns: after the
// commit), dead-letters the rejected, and on a throw acknowledges nothing and tries the batch again later.
import type { DataSource } from 'typeorm';
import { applyEvents, type ApplyOptions, type EventOutcome } from './apply-events';
import type { Rejection } from './cloud-event';
import { readEvent, type EventType, type ReceivedEvent } from './platform-events';

export type Disposition =
  { done: true; outcome: EventOutcome; type: EventType; id: string } | { done: false; rejection: Rejection };

export interface ReceiveObserver {
  /** An event applied (or found a duplicate, stale, erased), once its batch has committed. */
  counted(type: EventType, outcome: EventOutcome): void;
  /** A message refused: it is not an event this service can apply, now or ever. */
  rejected(rejection: Rejection): void;
  /** A batch committed, with its size and how long it took. */
  committed?(events: number, seconds: number): void;
}

export interface ReceiveOptions extends ApplyOptions {
  observer?: ReceiveObserver;
  /** After the commit: every instance forgets these accounts (the change feed). */
  onCommitted: (userIds: readonly string[]) => void;
}

/** A message as it arrived: bytes (a log's), or a JSON value already parsed (an item of POST /events). */
export type IncomingMessage = Uint8Array | string | { json: unknown };

/**
 * Reads and applies the messages, in one transaction for all the good ones; returns each one's disposition,
 * by position. Throws, having applied nothing, when the database fails.
 */
export async function receiveEvents(
  dataSource: DataSource,
  messages: readonly IncomingMessage[],
  options: ReceiveOptions,
): Promise<Disposition[]> {
  const now = options.clock();
  const dispositions: (Disposition | undefined)[] = new Array(messages.length);
  const good: { position: number; event: ReceivedEvent }[] = [];
  messages.forEach((message, position) => {
    const read = readEvent(message, now);
    if (read.ok) good.push({ position, event: read.value });
    else dispositions[position] = { done: false, rejection: read.rejection };
  });
  const started = process.hrtime.bigint();
  const applied = await applyEvents(
    dataSource,
    good.map(({ event }) => event),
    options,
  );
  options.observer?.committed?.(good.length, Number(process.hrtime.bigint() - started) / 1e9);
  if (applied.changedUserIds.length > 0) options.onCommitted(applied.changedUserIds);
  good.forEach(({ position, event }, index) => {
    dispositions[position] = { done: true, outcome: applied.outcomes[index]!, type: event.event.type, id: event.id };
  });
  for (const disposition of dispositions) {
    if (disposition!.done) options.observer?.counted(disposition!.type, disposition!.outcome);
    else options.observer?.rejected(disposition!.rejection);
  }
  return dispositions as Disposition[];
}

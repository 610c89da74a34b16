// The professional labels' events (user.qualification.changed, user.mcn.changed), within the transaction of
// their batch, through the same use cases as `qualifications import` (professional-recording/). Each
// credential (an account's field and title) and each account's MCN agency is a fact of its own, observed at a
// time: the batch's events are applied in observedAt order, and one no newer than the stored time of its fact
// is stale. A revocation and a departure keep their time, so that a grant observed before them stays stale.
import type { EntityManager } from 'typeorm';
import type { PseudonymKey } from '../crypto/pseudonym-key';
import { WriteConflict } from '../db/database-errors';
import { erasedUserIds } from '../db/erasures';
import { lockProfessionalFactTimes, storeProfessionalFactTimes, type ProfessionalFactTime } from '../db/event-rows';
import { changeMcnAgenciesWithin } from '../professional-recording/change-mcn-agencies';
import { changeQualificationsWithin } from '../professional-recording/change-qualifications';
import type { ChangeOutcome, StoredChanges } from '../professional-recording/store-changes';
import type { PlatformEvent } from './platform-events';

export type ProfessionalEvent = Extract<PlatformEvent, { type: 'user.qualification.changed' | 'user.mcn.changed' }>;

/** One event of the batch: its position, its id (the audit entry's cause names it) and what it says. */
export interface PositionedEvent<E extends ProfessionalEvent = ProfessionalEvent> {
  position: number;
  id: string;
  event: E;
}

/** What became of an event (apply-events.ts names them). */
type Outcome = 'applied' | 'unchanged' | 'stale' | 'erased';

export interface ProfessionalApplied {
  outcomes: Map<number, Outcome>;
  /** The accounts whose labels changed. */
  changedUserIds: string[];
}

export function isProfessionalEvent(event: PlatformEvent): event is ProfessionalEvent {
  return event.type === 'user.qualification.changed' || event.type === 'user.mcn.changed';
}

function factOf(event: ProfessionalEvent): string {
  if (event.type === 'user.mcn.changed') return 'mcn';
  return `credential:${event.record.field}:${event.record.title}`;
}

const timeKey = (userId: string, fact: string) => `${userId}\u0000${fact}`;

/** The events no newer than their fact's time (stored, or set by an earlier event of the batch) are stale. */
function freshInTimeOrder(
  events: readonly PositionedEvent[],
  times: Map<string, Date>,
  outcomes: Map<number, Outcome>,
): PositionedEvent[] {
  const fresh: PositionedEvent[] = [];
  const byTime = [...events].sort((a, b) => a.event.observedAt.getTime() - b.event.observedAt.getTime());
  for (const positioned of byTime) {
    const key = timeKey(positioned.event.userId, factOf(positioned.event));
    const stored = times.get(key);
    if (stored !== undefined && positioned.event.observedAt.getTime() <= stored.getTime()) {
      outcomes.set(positioned.position, 'stale');
      continue;
    }
    times.set(key, positioned.event.observedAt);
    fresh.push(positioned);
  }
  return fresh;
}

function ofType<T extends ProfessionalEvent['type']>(events: readonly PositionedEvent[], type: T) {
  return events.filter(
    (positioned): positioned is PositionedEvent<Extract<ProfessionalEvent, { type: T }>> =>
      positioned.event.type === type,
  );
}

/** The use case's change for an event, its audit entry naming the event. */
function changeOf<E extends ProfessionalEvent>({
  id,
  event,
}: PositionedEvent<E>): { change: E['record']; cause: string } {
  return { change: event.record, cause: `event ${event.type} ${id}`.slice(0, 255) };
}

/** Each event's outcome from its change's. */
function record<T>(events: readonly PositionedEvent[], stored: StoredChanges<T>, outcomes: Map<number, Outcome>) {
  stored.outcomes.forEach((outcome: ChangeOutcome<T>, index) => {
    const verdict = outcome === 'erased' ? 'erased' : outcome === 'unchanged' ? 'unchanged' : 'applied';
    outcomes.set(events[index]!.position, verdict);
  });
  return stored.changedUserIds;
}

/** The fact times to store: the newest of each fact the batch observed, but none of an erased account. */
function timesToStore(
  fresh: readonly PositionedEvent[],
  times: Map<string, Date>,
  stored: Set<string>,
  erased: Set<string>,
) {
  const written = { updated: [] as ProfessionalFactTime[], inserted: [] as ProfessionalFactTime[] };
  for (const { event } of fresh) {
    if (erased.has(event.userId)) continue;
    const fact = factOf(event);
    const key = timeKey(event.userId, fact);
    if (times.get(key) !== event.observedAt) continue; // a newer event of the batch observed it
    written[stored.has(key) ? 'updated' : 'inserted'].push({
      userId: event.userId,
      fact,
      observedAt: event.observedAt,
    });
  }
  return written;
}

/** Applies the events in the caller's transaction; returns each one's outcome by position. */
export async function applyProfessionalEvents(
  manager: EntityManager,
  events: readonly PositionedEvent[],
  context: { now: Date; pseudonymKey: PseudonymKey },
): Promise<ProfessionalApplied> {
  const outcomes = new Map<number, Outcome>();
  if (events.length === 0) return { outcomes, changedUserIds: [] };
  const userIds = [...new Set(events.map(({ event }) => event.userId))];
  const times = new Map(
    (await lockProfessionalFactTimes(manager, userIds)).map((row) => [timeKey(row.userId, row.fact), row.observedAt]),
  );
  const stored = new Set(times.keys());
  const fresh = freshInTimeOrder(events, times, outcomes);
  const credentials = ofType(fresh, 'user.qualification.changed');
  const agencies = ofType(fresh, 'user.mcn.changed');
  const changed = [
    ...record(credentials, await changeQualificationsWithin(manager, credentials.map(changeOf), context), outcomes),
    ...record(agencies, await changeMcnAgenciesWithin(manager, agencies.map(changeOf), context), outcomes),
  ];
  // An erased account keeps nothing, not even when its facts were observed.
  const erased = new Set(
    fresh.filter(({ position }) => outcomes.get(position) === 'erased').map(({ event }) => event.userId),
  );
  for (const { position, event } of events) if (erased.has(event.userId)) outcomes.set(position, 'erased');
  const written = timesToStore(fresh, times, stored, erased);
  await storeProfessionalFactTimes(manager, written);
  // An erasure that began after the use cases looked must not lose to this batch (they check their own rows so).
  const newlyTimed = [...new Set(written.inserted.map((row) => row.userId))];
  if ((await erasedUserIds(manager, newlyTimed, context.pseudonymKey, true)).size > 0) {
    throw new WriteConflict('an account whose labels were being observed was erased meanwhile');
  }
  return { outcomes, changedUserIds: [...new Set(changed)] };
}

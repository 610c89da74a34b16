// The platform's events over HTTP, for a platform without NATS (POST /events): a JSON array of up to
// MAX_EVENTS_PER_REQUEST CloudEvents, applied by the same core as the consumer's, in one transaction, with the
// same guarantees. The answer says how many were accepted (applied, or already applied, or superseded: none of
// them needs sending again) and why each of the others was refused. A refused event is not dead-lettered:
// the caller has the answer.
import { badRequest } from '../errors';
import type { Disposition, IncomingMessage } from './receive-events';

export const MAX_EVENTS_PER_REQUEST = 1000;

export interface EventsAnswer {
  accepted: number;
  /** By index in the request's array, in order; a reason names a rule, never a value. */
  rejected: { index: number; reason: string }[];
}

/** Throws a BAD_REQUEST error for a body that is not an array of at most MAX_EVENTS_PER_REQUEST. */
function itemsOf(body: unknown): unknown[] {
  if (!Array.isArray(body)) throw badRequest('the body must be a JSON array of CloudEvents');
  if (body.length > MAX_EVENTS_PER_REQUEST) {
    throw badRequest(`at most ${MAX_EVENTS_PER_REQUEST} events a request, got ${body.length}`);
  }
  return body;
}

export async function receiveHttpEvents(
  receive: (messages: IncomingMessage[]) => Promise<Disposition[]>,
  body: unknown,
): Promise<EventsAnswer> {
  const items = itemsOf(body);
  const dispositions = await receive(items.map((json) => ({ json })));
  const answer: EventsAnswer = { accepted: 0, rejected: [] };
  dispositions.forEach((disposition, index) => {
    if (disposition.done) answer.accepted += 1;
    else answer.rejected.push({ index, reason: `${disposition.rejection.reason}: ${disposition.rejection.detail}` });
  });
  return answer;
}

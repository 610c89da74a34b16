// One record of where a post was made from, as the posts service sends it (POST /ip-locations) or a backfill
// file holds it: {postId, userId, ip, at}. Checked field by field; a reason never repeats a value, so that
// no address reaches a response, a log line or the command's output through it.
import { isIP } from 'node:net';
import { parseIsoInstant } from '../dates';
import { userIdProblem } from '../user-id';

export interface LocationRecord {
  postId: string;
  userId: string;
  /** Used once, to look the place up; never stored. */
  ip: string;
  /** When the post was made. */
  at: Date;
}

export const LOCATION_RECORD_FIELDS = ['postId', 'userId', 'ip', 'at'] as const;

/** A clock a little ahead of ours is fine; a post from further in the future would pin its account's latest. */
export const ALLOWED_CLOCK_SKEW_MS = 5 * 60 * 1000;
const EARLIEST = new Date('2000-01-01T00:00:00Z');

export type CheckedRecord = { record: LocationRecord; error?: undefined } | { error: string; record?: undefined };

function atOf(value: unknown, now: Date): Date | string {
  // Strict: an impossible date (30 February, 24:00) is refused, not rolled over into another day.
  const { instant: at, problem } = parseIsoInstant(value);
  if (at === undefined) return `at ${problem}`;
  if (at < EARLIEST) return 'at is before 2000-01-01';
  if (at.getTime() > now.getTime() + ALLOWED_CLOCK_SKEW_MS) return 'at is in the future';
  return at;
}

/** The record, or the first thing wrong with it. `now` bounds `at`. */
export function checkLocationRecord(value: unknown, now: Date): CheckedRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not a JSON object' };
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !(LOCATION_RECORD_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) return { error: `unknown field ${unknown.map((key) => `"${key.slice(0, 64)}"`).join(', ')}` };
  for (const field of LOCATION_RECORD_FIELDS) {
    if (fields[field] === undefined || fields[field] === null) return { error: `${field} is missing` };
  }
  // Post ids are stored in a column like the user ids', under the same rule.
  for (const field of ['postId', 'userId'] as const) {
    const problem = userIdProblem(fields[field]);
    if (problem !== undefined) return { error: `${field} ${problem}` };
  }
  if (typeof fields.ip !== 'string' || isIP(fields.ip) === 0) return { error: 'ip is not an IPv4 or IPv6 address' };
  const at = atOf(fields.at, now);
  if (typeof at === 'string') return { error: at };
  return { record: { postId: fields.postId as string, userId: fields.userId as string, ip: fields.ip, at } };
}

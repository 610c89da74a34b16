// One record of where a post was made from, as the posts service sends it (POST /ip-locations) or a backfill
// file holds it: {postId, userId, ip, at}. Checked field by field; a reason never repeats a value or a key,
// so that no address reaches a response, a log line or the command's output through it.
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

/**
 * Keys that are not among `fields`, told by position ("unknown field at position 3 of 5; expected postId,
 * userId, ip, at"), never by their text: a key may be anything the sender put there, an address included.
 * A field it may have meant (the same name in another case) is named. Undefined when every key is a field.
 */
export function unknownFieldsProblem(keys: readonly string[], fields: readonly string[]): string | undefined {
  const positions: number[] = [];
  const meant = new Set<string>();
  keys.forEach((key, index) => {
    if (fields.includes(key)) return;
    positions.push(index + 1);
    const field = fields.find((known) => known.toLowerCase() === key.trim().toLowerCase());
    if (field !== undefined) meant.add(field);
  });
  if (positions.length === 0) return undefined;
  const where =
    positions.length === 1 ? `field at position ${positions[0]}` : `fields at positions ${positions.join(', ')}`;
  const hint = meant.size > 0 ? ` (did you mean ${[...meant].map((field) => `"${field}"`).join(', ')}?)` : '';
  return `unknown ${where} of ${keys.length}; expected ${fields.join(', ')}${hint}`;
}

/** The record, or the first thing wrong with it. `now` bounds `at`. */
export function checkLocationRecord(value: unknown, now: Date): CheckedRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not a JSON object' };
  const fields = value as Record<string, unknown>;
  const unknown = unknownFieldsProblem(Object.keys(fields), LOCATION_RECORD_FIELDS);
  if (unknown !== undefined) return { error: unknown };
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

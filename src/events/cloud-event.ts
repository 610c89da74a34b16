// A CloudEvent 1.0 in structured JSON mode (https://github.com/cloudevents/spec, json-format.md): the envelope
// only. What its `data` must hold depends on its `type` (platform-events.ts). Pure. A reason given for a bad
// message names a rule and an attribute, never a value from the message: it reaches logs, metrics and the
// answer of POST /events.
import { hash } from 'node:crypto';

export interface CloudEvent {
  id: string;
  source: string;
  type: string;
  /** Absent when the producer did not say (the attribute is optional in the specification). */
  time: Date | undefined;
  data: Record<string, unknown>;
}

/** Why a message is refused; each is a label of identity_events_rejected_total. */
export const REJECTION_REASONS = ['not-json', 'not-cloudevent', 'unknown-type', 'invalid-data'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface Rejection {
  reason: RejectionReason;
  /** What is wrong, in words: an attribute or a field and the rule it breaks. */
  detail: string;
  /** The event's id when it could be read (a log line names it), cut to a length a log line can hold. */
  eventId?: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

/** The longest id and source accepted: both are stored only as a hash, but they are logged. */
export const MAX_ID_LENGTH = 256;
export const MAX_SOURCE_LENGTH = 1024;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export function rejected(
  reason: RejectionReason,
  detail: string,
  eventId?: string,
): { ok: false; rejection: Rejection } {
  return { ok: false, rejection: eventId === undefined ? { reason, detail } : { reason, detail, eventId } };
}

/** rfc3339Time's reading by the platform's Date: the one it leaves the rare shapes to (exported for its test). */
export function rfc3339TimeByDate(value: string): Date | undefined {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return undefined;
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(value);
  const shift = offset === null ? 0 : (offset[1] === '+' ? 1 : -1) * (Number(offset[2]) * 60 + Number(offset[3]));
  const local = new Date(time.getTime() + shift * 60_000);
  const same = local.getUTCFullYear() === year && local.getUTCMonth() + 1 === month && local.getUTCDate() === day;
  return same ? time : undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** The number written at value[start, start + length), all digits (the pattern checked that). */
function digits(value: string, start: number, length: number): number {
  let number = 0;
  for (let index = start; index < start + length; index += 1) number = number * 10 + value.charCodeAt(index) - 48;
  return number;
}

/**
 * An RFC 3339 time with its zone, that is a real date: `new Date` would read 2026-02-30 as 2 March, so the
 * date fields must come back the same. Read by hand, field by field (every event carries one or two: the
 * consumer's hottest check); the shapes the hand reading does not cover (a year before 100, more than
 * three digits of a second, an offset of 24 hours or more) go to the Date reading, which decides the same way.
 */
export function rfc3339Time(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !RFC3339.test(value)) return undefined;
  const last = value.charCodeAt(value.length - 1);
  const utc = last === 90 || last === 122; // Z, z
  const zone = utc ? value.length - 1 : value.length - 6;
  const fraction = value.charCodeAt(19) === 46 ? zone - 20 : 0; // after a '.'
  const offsetHours = utc ? 0 : digits(value, zone + 1, 2);
  const offsetMinutes = utc ? 0 : digits(value, zone + 4, 2);
  const year = digits(value, 0, 4);
  if (year < 100 || fraction > 3 || offsetHours > 23 || offsetMinutes > 59) return rfc3339TimeByDate(value);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = fraction === 0 ? 0 : digits(value, 20, fraction) * 10 ** (3 - fraction);
  const shift = utc ? 0 : (value.charCodeAt(zone) === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes); // '-'
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - shift * 60_000);
}

function text(value: unknown, maxLength: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength && value.isWellFormed()
    ? value
    : undefined;
}

function loggableId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  // eslint-disable-next-line no-control-regex -- a log line must stay one line
  return value.slice(0, MAX_ID_LENGTH).replace(/[\u0000-\u001f\u007f]/g, '?');
}

/** The envelope of a parsed JSON value. */
export function checkCloudEvent(value: unknown): Checked<CloudEvent> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return rejected('not-cloudevent', 'not a JSON object');
  }
  const fields = value as Record<string, unknown>;
  const eventId = loggableId(fields.id);
  const refuse = (detail: string) => rejected('not-cloudevent', detail, eventId);
  if (fields.specversion !== '1.0') return refuse('specversion must be "1.0"');
  const id = text(fields.id, MAX_ID_LENGTH);
  if (id === undefined) return refuse(`id must be a string of 1-${MAX_ID_LENGTH} characters`);
  const source = text(fields.source, MAX_SOURCE_LENGTH);
  if (source === undefined) return refuse(`source must be a string of 1-${MAX_SOURCE_LENGTH} characters`);
  const type = text(fields.type, 256);
  if (type === undefined) return refuse('type must be a non-empty string');
  const time = fields.time === undefined ? undefined : rfc3339Time(fields.time);
  if (fields.time !== undefined && time === undefined) return refuse('time must be an RFC 3339 date-time');
  const contentType = fields.datacontenttype;
  if (
    contentType !== undefined &&
    (typeof contentType !== 'string' || !/^application\/(.+\+)?json\b/i.test(contentType))
  ) {
    return refuse('datacontenttype must be application/json');
  }
  if (fields.data_base64 !== undefined) return refuse('data must be JSON (data_base64 is not accepted)');
  const data = fields.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return rejected('invalid-data', 'data must be a JSON object', id);
  }
  return { ok: true, value: { id, source, type, time, data: data as Record<string, unknown> } };
}

/** A message's bytes, parsed and checked as a CloudEvent. */
export function parseCloudEvent(body: Uint8Array | string): Checked<CloudEvent> {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    return rejected('not-json', 'the message is not JSON');
  }
  return checkCloudEvent(value);
}

/**
 * What identifies an event for deduplication: its source and id (the specification's rule), hashed to a
 * fixed length; 128 bits of SHA-256 leave no collision to worry about.
 */
export function eventKey(event: Pick<CloudEvent, 'source' | 'id'>): string {
  // One call (no Hash object): the same bytes as source, NUL, id hashed in turn. Both are well-formed text.
  return hash('sha256', `${event.source}\u0000${event.id}`, 'hex').slice(0, 32);
}

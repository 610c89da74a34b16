// The platform's events this service acts on, by CloudEvent `type`, and what each one's `data` must hold
// (docs/events.md). Pure. Fields a type does not name are ignored, so that a producer may add some; a reason
// never repeats a value (a realName or an ip must reach no log line).
import { isIP } from 'node:net';
import { validateRecord } from '../import/records';
import { ALLOWED_CLOCK_SKEW_MS } from '../ip-location/location-record';
import type { SubjectKind, Verification } from '../policy/types';
import {
  checkProfessionalRecord,
  type McnAgencyRecord,
  type QualificationRecord,
} from '../professional/professional-record';
import { userIdProblem } from '../user-id';
import { checkCloudEvent, eventKey, parseCloudEvent, rejected, rfc3339Time, type Checked } from './cloud-event';

export const EVENT_TYPES = [
  'user.followers.changed',
  'user.verification.changed',
  'account.closed',
  'post.created',
  'post.deleted',
  'user.qualification.changed',
  'user.mcn.changed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type PlatformEvent =
  | { type: 'user.followers.changed'; userId: string; followerCount: number; observedAt: Date }
  | {
      type: 'user.verification.changed';
      userId: string;
      verification: Verification;
      /** The verified name as text, sealed only when stored; absent: the stored one stays. */
      realName?: string;
      subjectKind?: SubjectKind;
      category?: string;
      observedAt: Date;
    }
  | { type: 'account.closed'; userId: string; closedAt: Date }
  /** `ip` is used once, to look the place up, and never stored. */
  | { type: 'post.created'; postId: string; authorId: string; ip: string; createdAt: Date }
  | { type: 'post.deleted'; postId: string; deletedAt: Date }
  /** A credential granted, renewed or revoked: the record the import reads (professional-record.ts). */
  | { type: 'user.qualification.changed'; userId: string; record: QualificationRecord; observedAt: Date }
  /** The account's MCN agency, or none (`agency` null). */
  | { type: 'user.mcn.changed'; userId: string; record: McnAgencyRecord; observedAt: Date };

/** An event ready to apply: what it says, and what identifies it (its source and id). */
export interface ReceivedEvent {
  /** The hash of source and id (cloud-event.ts eventKey). */
  key: string;
  id: string;
  event: PlatformEvent;
}

const EARLIEST = new Date('2000-01-01T00:00:00Z');

type Fields = Record<string, unknown>;
type Field<T> = T | { problem: string };

function isProblem<T>(value: Field<T>): value is { problem: string } {
  return typeof value === 'object' && value !== null && 'problem' in value;
}

function idField(data: Fields, name: string): Field<string> {
  if (data[name] === undefined || data[name] === null) return { problem: `${name} is missing` };
  const problem = userIdProblem(data[name]);
  return problem === undefined ? (data[name] as string) : { problem: `${name} ${problem}` };
}

function timeField(data: Fields, name: string, now: Date): Field<Date> {
  if (data[name] === undefined || data[name] === null) return { problem: `${name} is missing` };
  const time = rfc3339Time(data[name]);
  if (time === undefined) return { problem: `${name} must be an RFC 3339 date-time with a time zone` };
  if (time < EARLIEST) return { problem: `${name} is before 2000-01-01` };
  // A time far ahead would stand for the account's newest fact for ever, and every real event would lose.
  if (time.getTime() > now.getTime() + ALLOWED_CLOCK_SKEW_MS) return { problem: `${name} is in the future` };
  return time;
}

/** The fields as named, checked in order: the first problem wins. */
function fields<T extends Record<string, unknown>>(checked: { [K in keyof T]: Field<T[K]> }): Field<T> {
  for (const value of Object.values(checked)) if (isProblem(value)) return value;
  return checked as T;
}

function followersChanged(data: Fields, now: Date): Field<PlatformEvent> {
  const count = data.followerCount;
  const followerCount: Field<number> =
    typeof count === 'number' && Number.isInteger(count) && count >= 0 && count <= 2_147_483_647
      ? count
      : { problem: 'followerCount must be a whole number from 0 to 2147483647' };
  const checked = fields({
    userId: idField(data, 'userId'),
    followerCount,
    observedAt: timeField(data, 'observedAt', now),
  });
  return isProblem(checked) ? checked : { type: 'user.followers.changed', ...checked };
}

/** The same rules as an import record's (import/records.ts): one account, whichever door it comes in by. */
function verificationChanged(data: Fields, now: Date): Field<PlatformEvent> {
  if (data.verification === undefined) return { problem: 'verification is missing' };
  const { userId, verification, realName, subjectKind, category } = data;
  const record = validateRecord({ userId, verification, realName, subjectKind, category }, 0);
  if (record.error !== undefined) return { problem: record.error };
  const observedAt = timeField(data, 'observedAt', now);
  if (isProblem(observedAt)) return observedAt;
  const { record: fact } = record;
  return {
    type: 'user.verification.changed',
    userId: fact.userId,
    verification: fact.verification!,
    ...(fact.realName !== undefined && { realName: fact.realName }),
    ...(typeof fact.subjectKind === 'string' && { subjectKind: fact.subjectKind }),
    ...(typeof fact.category === 'string' && { category: fact.category }),
    observedAt,
  };
}

function postCreated(data: Fields, now: Date): Field<PlatformEvent> {
  const ip: Field<string> =
    typeof data.ip === 'string' && isIP(data.ip) !== 0 ? data.ip : { problem: 'ip is not an IPv4 or IPv6 address' };
  const checked = fields({
    postId: idField(data, 'postId'),
    authorId: idField(data, 'authorId'),
    ip,
    createdAt: timeField(data, 'createdAt', now),
  });
  return isProblem(checked) ? checked : { type: 'post.created', ...checked };
}

/** The named fields of `data` that are there (null included: it says "none"). */
function picked(data: Fields, names: readonly string[]): Fields {
  return Object.fromEntries(names.filter((name) => data[name] !== undefined).map((name) => [name, data[name]]));
}

/**
 * The same rules as a record of `qualifications import` (professional-record.ts): one credential, whichever
 * door it comes in by.
 */
function qualificationChanged(data: Fields, now: Date): Field<PlatformEvent> {
  if (data.field === undefined || data.field === null) return { problem: 'field is missing' };
  const fields = ['userId', 'field', 'title', 'issuer', 'verifiedAt', 'expiresAt', 'revoked'];
  const checked = checkProfessionalRecord(picked(data, fields), now);
  if (checked.error !== undefined) return { problem: checked.error };
  const observedAt = timeField(data, 'observedAt', now);
  if (isProblem(observedAt)) return observedAt;
  const { kind: _kind, ...record } = checked.record as Extract<typeof checked.record, { kind: 'qualification' }>;
  return { type: 'user.qualification.changed', userId: record.userId, record, observedAt };
}

/** As an MCN agency record of the import: an empty or null mcnAgency means the account has none any more. */
function mcnChanged(data: Fields, now: Date): Field<PlatformEvent> {
  if (data.mcnAgency === undefined) return { problem: 'mcnAgency is missing (null or empty: the account has none)' };
  const checked = checkProfessionalRecord(picked(data, ['userId', 'mcnAgency', 'since']), now);
  if (checked.error !== undefined) return { problem: checked.error };
  const observedAt = timeField(data, 'observedAt', now);
  if (isProblem(observedAt)) return observedAt;
  const { kind: _kind, ...record } = checked.record as Extract<typeof checked.record, { kind: 'mcn-agency' }>;
  return { type: 'user.mcn.changed', userId: record.userId, record, observedAt };
}

const DATA: Record<EventType, (data: Fields, now: Date) => Field<PlatformEvent>> = {
  'user.followers.changed': followersChanged,
  'user.verification.changed': verificationChanged,
  'account.closed': (data, now) => {
    const checked = fields({ userId: idField(data, 'userId'), closedAt: timeField(data, 'closedAt', now) });
    return isProblem(checked) ? checked : { type: 'account.closed', ...checked };
  },
  'post.created': postCreated,
  'post.deleted': (data, now) => {
    const checked = fields({ postId: idField(data, 'postId'), deletedAt: timeField(data, 'deletedAt', now) });
    return isProblem(checked) ? checked : { type: 'post.deleted', ...checked };
  },
  'user.qualification.changed': qualificationChanged,
  'user.mcn.changed': mcnChanged,
};

export function isEventType(type: string): type is EventType {
  return (EVENT_TYPES as readonly string[]).includes(type);
}

/** A message (bytes from a log) or an item of POST /events (parsed JSON), as an event to apply. */
export function readEvent(message: Uint8Array | string | { json: unknown }, now: Date): Checked<ReceivedEvent> {
  const envelope =
    typeof message === 'object' && 'json' in message ? checkCloudEvent(message.json) : parseCloudEvent(message);
  if (!envelope.ok) return envelope;
  const { id, type, data } = envelope.value;
  if (!isEventType(type)) return rejected('unknown-type', 'type is not one this service acts on', id);
  const event = DATA[type](data, now);
  if (isProblem(event)) return rejected('invalid-data', event.problem, id);
  return { ok: true, value: { key: eventKey(envelope.value), id, event } };
}

// One record of an account's professional labels, as the platform exports them (`qualifications import`) or
// an event carries them: a credential granted or renewed {userId, field, title, issuer, verifiedAt,
// expiresAt}, one revoked {userId, field, title, revoked: true}, or the account's MCN agency {userId,
// mcnAgency, since}, an empty mcnAgency meaning it has none any more. Checked field by field; a reason names
// the field and never repeats its value.
import { shownTextProblem } from '../shown-text';
import { userIdProblem } from '../user-id';
import { PROFESSIONAL_FIELDS, type ProfessionalField } from './qualification';

export type QualificationRecord = { userId: string; field: ProfessionalField; title: string } & (
  { revoked: false; issuer: string | null; verifiedAt: Date; expiresAt: Date | null } | { revoked: true }
);

export interface McnAgencyRecord {
  userId: string;
  /** null: the account has no MCN agency any more. */
  agency: string | null;
  /** When it joined; null: when this service learns of it. */
  since: Date | null;
}

export type ProfessionalRecord =
  ({ kind: 'qualification' } & QualificationRecord) | ({ kind: 'mcn-agency' } & McnAgencyRecord);

export const PROFESSIONAL_RECORD_FIELDS = [
  'userId',
  'field',
  'title',
  'issuer',
  'verifiedAt',
  'expiresAt',
  'revoked',
  'mcnAgency',
  'since',
] as const;

/** The longest texts stored (the columns of migrations/1795590000070). */
export const MAX_TITLE_LENGTH = 64;
export const MAX_ISSUER_LENGTH = 128;
export const MAX_AGENCY_LENGTH = 128;

/** A clock a little ahead of ours is fine; a credential verified further in the future is not yet one. */
const ALLOWED_CLOCK_SKEW_MS = 5 * 60 * 1000;
const EARLIEST = Date.UTC(2000, 0, 1);
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

export type CheckedProfessionalRecord =
  { record: ProfessionalRecord; error?: undefined } | { error: string; record?: undefined };

class RecordProblem extends Error {}

function fail(message: string): never {
  throw new RecordProblem(message);
}

/**
 * An ISO 8601 date-time with a zone, as written: "2025-02-30T10:00:00Z" is refused, not read as 2 March.
 * A date-time that names no day of the calendar, or an hour past 23, is not one.
 */
function dateTime(name: string, value: unknown): Date {
  const match = typeof value === 'string' ? ISO_DATE_TIME.exec(value) : null;
  const expected = `${name} must be an ISO 8601 date-time with a time zone, such as 2026-11-25T10:00:00+08:00`;
  if (match === null) fail(expected);
  const [year, month, day, hour, minute, second = '0', offsetHours = '0', offsetMinutes = '0'] = match
    .slice(1)
    .map((part) => part ?? undefined);
  const calendarDay = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const isCalendarDay =
    calendarDay.getUTCFullYear() === Number(year) &&
    calendarDay.getUTCMonth() === Number(month) - 1 &&
    calendarDay.getUTCDate() === Number(day);
  const inRange = Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60;
  if (!isCalendarDay || !inRange || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) fail(expected);
  const date = new Date(value as string);
  if (Number.isNaN(date.getTime())) fail(expected);
  if (date.getTime() < EARLIEST) fail(`${name} is before 2000-01-01`);
  return date;
}

function notInTheFuture(name: string, date: Date, now: Date): Date {
  if (date.getTime() > now.getTime() + ALLOWED_CLOCK_SKEW_MS) fail(`${name} is in the future`);
  return date;
}

/** A text a profile shows, stored without the white space around it. */
function text(name: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string') fail(`${name} must be a string`);
  const problem = shownTextProblem(value, maxLength);
  if (problem !== undefined) fail(`${name} ${problem}`);
  return value.trim();
}

const given = (value: unknown) => value !== undefined && value !== null;

function qualificationRecord(fields: Record<string, unknown>, userId: string, now: Date): ProfessionalRecord {
  if (!given(fields.field)) fail('field is missing');
  if (!(PROFESSIONAL_FIELDS as readonly unknown[]).includes(fields.field)) {
    fail(`field must be one of ${PROFESSIONAL_FIELDS.join(', ')}`);
  }
  const field = fields.field as ProfessionalField;
  if (!given(fields.title)) fail('title is missing');
  const title = text('title', fields.title, MAX_TITLE_LENGTH);
  if (given(fields.revoked) && typeof fields.revoked !== 'boolean') fail('revoked must be true or false');
  if (fields.revoked === true) return { kind: 'qualification', userId, field, title, revoked: true };
  if (!given(fields.verifiedAt)) fail('verifiedAt is missing');
  const verifiedAt = notInTheFuture('verifiedAt', dateTime('verifiedAt', fields.verifiedAt), now);
  const expiresAt = given(fields.expiresAt) ? dateTime('expiresAt', fields.expiresAt) : null;
  if (expiresAt !== null && expiresAt.getTime() <= verifiedAt.getTime()) fail('expiresAt is not after verifiedAt');
  const issuer = given(fields.issuer) ? text('issuer', fields.issuer, MAX_ISSUER_LENGTH) : null;
  return { kind: 'qualification', userId, field, title, revoked: false, issuer, verifiedAt, expiresAt };
}

function mcnAgencyRecord(fields: Record<string, unknown>, userId: string, now: Date): ProfessionalRecord {
  const leaves = fields.mcnAgency === null || fields.mcnAgency === '';
  if (leaves) {
    if (given(fields.since)) fail('since goes with an mcnAgency: an empty mcnAgency has none');
    return { kind: 'mcn-agency', userId, agency: null, since: null };
  }
  const agency = text('mcnAgency', fields.mcnAgency, MAX_AGENCY_LENGTH);
  const since = given(fields.since) ? notInTheFuture('since', dateTime('since', fields.since), now) : null;
  return { kind: 'mcn-agency', userId, agency, since };
}

const QUALIFICATION_ONLY = ['field', 'title', 'issuer', 'verifiedAt', 'expiresAt', 'revoked'];

function checkFields(fields: Record<string, unknown>, now: Date): ProfessionalRecord {
  const keys = Object.keys(fields);
  const unknown = keys.flatMap((key, index) =>
    (PROFESSIONAL_RECORD_FIELDS as readonly string[]).includes(key) ? [] : [index + 1],
  );
  if (unknown.length > 0) {
    fail(
      `unknown field: key ${unknown.join(', ')} of ${keys.length} (fields are ${PROFESSIONAL_RECORD_FIELDS.join(', ')})`,
    );
  }
  if (!given(fields.userId)) fail('userId is missing');
  const problem = userIdProblem(fields.userId);
  if (problem !== undefined) fail(`userId ${problem}`);
  const userId = fields.userId as string;
  const isMcn = 'mcnAgency' in fields;
  const isQualification = QUALIFICATION_ONLY.some((key) => given(fields[key]));
  if (isMcn && isQualification) {
    fail('a record is a qualification (field, title...) or an MCN agency (mcnAgency, since), not both');
  }
  if (isMcn) return mcnAgencyRecord(fields, userId, now);
  if (given(fields.since)) fail('since goes with an mcnAgency');
  if (!isQualification) fail('a record needs field and title, or mcnAgency');
  return qualificationRecord(fields, userId, now);
}

/** The record, or the first thing wrong with it. `now` bounds verifiedAt and since. */
export function checkProfessionalRecord(value: unknown, now: Date): CheckedProfessionalRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not a JSON object' };
  try {
    return { record: checkFields(value as Record<string, unknown>, now) };
  } catch (error) {
    if (error instanceof RecordProblem) return { error: error.message };
    throw error;
  }
}

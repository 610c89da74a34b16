// Instants written as ISO 8601 text (an API's `at`, a command's `--from`), read strictly: every field must
// round-trip. JavaScript's Date parser rolls an impossible date over instead of refusing it
// (2025-02-30T10:00:00Z is 2 March, 24:00 is the next day's midnight): here that is an error.
// Problems read after the name of the field ("at has no such day in its month") and never repeat the text.

export interface InstantOptions {
  /**
   * 'refuse' (the default): the text must name its zone (Z or ±hh:mm), as a machine's timestamp must.
   * 'utc': a date-time without a zone is UTC, and a date alone is its midnight UTC (a person typing a date).
   */
  missingZone?: 'refuse' | 'utc';
}

export type ParsedInstant = { instant: Date; problem?: undefined } | { problem: string; instant?: undefined };

// year-month-day, then optionally Thh:mm, :ss, .fraction (1-9 digits), and a zone: Z or ±hh:mm.
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))?)?$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function formatProblem(missingZone: 'refuse' | 'utc'): string {
  return missingZone === 'utc'
    ? 'must be an ISO 8601 date or date-time, such as 2026-11-25 or 2026-11-25T10:00:00+08:00'
    : 'must be an ISO 8601 date-time with a time zone, such as 2026-11-25T10:00:00Z';
}

/**
 * The instant an ISO 8601 text names, or what is wrong with it. Accepted: YYYY-MM-DDThh:mm[:ss[.fraction]]
 * followed by Z or ±hh:mm (T and Z in either case); a fraction finer than a millisecond is cut, not rounded.
 * Refused: a day its month does not have (02-30, 02-29 outside a leap year), an hour past 23 (24:00), a minute
 * or second past 59 (no leap second), an offset past 23:59, and any other shape.
 */
export function parseIsoInstant(text: unknown, options: InstantOptions = {}): ParsedInstant {
  const missingZone = options.missingZone ?? 'refuse';
  const match = typeof text === 'string' ? INSTANT.exec(text) : null;
  if (match === null) return { problem: formatProblem(missingZone) };
  const [, year, month, day, hour, minute, second, fraction, utc, sign, offsetHours, offsetMinutes] = match;
  const zoned = utc !== undefined || sign !== undefined;
  if (!zoned && missingZone === 'refuse') return { problem: formatProblem(missingZone) };
  const fields = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    offset: sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)),
  };
  if (fields.month < 1 || fields.month > 12) return { problem: 'has a month outside 01-12' };
  if (fields.day < 1 || fields.day > daysInMonth(fields.year, fields.month)) {
    return { problem: 'has no such day in its month' };
  }
  if (fields.hour > 23) return { problem: 'has an hour past 23 (midnight is 00:00 of the next day)' };
  if (fields.minute > 59) return { problem: 'has a minute past 59' };
  if (fields.second > 59) return { problem: 'has a second past 59' };
  if (Number(offsetHours ?? 0) > 23 || Number(offsetMinutes ?? 0) > 59) {
    return { problem: 'has a time zone offset past ±23:59' };
  }
  const instant = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999.
  instant.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  instant.setUTCHours(fields.hour, fields.minute, fields.second, Number((fraction ?? '').padEnd(3, '0').slice(0, 3)));
  instant.setTime(instant.getTime() - fields.offset * 60_000);
  return { instant };
}

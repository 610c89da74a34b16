// ISO 8601 instants, read strictly: what is written is what is meant, or it is refused.
import fc from 'fast-check';
import { parseIsoInstant } from '../../src/dates';

const instant = (text: string) => parseIsoInstant(text).instant?.toISOString();
const problem = (text: unknown) => parseIsoInstant(text).problem;

describe('an instant with its zone', () => {
  it.each([
    ['2026-11-25T10:00:00Z', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25T10:00Z', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25t10:00:00z', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25T10:00:00.5Z', '2026-11-25T10:00:00.500Z'],
    ['2026-11-25T10:00:00.123456789Z', '2026-11-25T10:00:00.123Z'], // cut, not rounded
    ['2026-11-25T10:00:00.999999Z', '2026-11-25T10:00:00.999Z'], // never rolls into the next second
    ['2026-11-25T08:00:00+08:00', '2026-11-25T00:00:00.000Z'],
    ['2026-11-25T00:00:00+08:00', '2026-11-24T16:00:00.000Z'],
    ['2026-12-31T20:30:00-05:30', '2027-01-01T02:00:00.000Z'],
    ['2026-11-25T10:00:00-00:00', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25T10:00:00+23:59', '2026-11-24T10:01:00.000Z'],
    ['2026-11-25T23:59:59.999Z', '2026-11-25T23:59:59.999Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'], // not 1950
  ])('%s is %s', (text, expected) => {
    expect(instant(text)).toBe(expected);
  });

  it.each([
    ['2024-02-29T10:00:00Z', '2024: divisible by 4'],
    ['2000-02-29T10:00:00Z', '2000: divisible by 400'],
  ])('29 February exists in a leap year: %s (%s)', (text) => {
    expect(instant(text)).toBe(text.replace('Z', '.000Z'));
  });

  it.each([
    ['2025-02-29T10:00:00Z', 'has no such day in its month'], // 2025 is not a leap year
    ['2100-02-29T10:00:00Z', 'has no such day in its month'], // divisible by 100, not by 400
    ['1900-02-29T10:00:00Z', 'has no such day in its month'],
    ['2025-02-30T10:00:00Z', 'has no such day in its month'], // Date would make it 2 March
    ['2026-04-31T10:00:00Z', 'has no such day in its month'],
    ['2026-11-00T10:00:00Z', 'has no such day in its month'],
    ['2026-11-32T10:00:00Z', 'has no such day in its month'],
    ['2026-13-01T10:00:00Z', 'has a month outside 01-12'],
    ['2026-00-01T10:00:00Z', 'has a month outside 01-12'],
    ['2025-06-01T24:00:00Z', 'has an hour past 23 (midnight is 00:00 of the next day)'], // Date: 2 June
    ['2025-06-01T23:60:00Z', 'has a minute past 59'],
    ['2025-06-01T23:59:60Z', 'has a second past 59'], // no leap seconds
    ['2026-11-25T10:00:00+24:00', 'has a time zone offset past ±23:59'],
    ['2026-11-25T10:00:00+08:60', 'has a time zone offset past ±23:59'],
  ])('%s is refused: %s', (text, reason) => {
    expect(problem(text)).toBe(reason);
  });

  it.each([
    '2026-11-25T10:00:00', // no zone
    '2026-11-25',
    '2026-11-25 10:00:00Z',
    '2026-11-25T10:00:00+0800',
    '2026-11-25T10:00:00+08',
    '2026-11-25T10:00:00.Z',
    '2026-11-25T10:00:00.1234567890Z',
    '2026-11-25T10:00:00,5Z',
    '+002026-11-25T10:00:00Z',
    '26-11-25T10:00:00Z',
    '2026-1-25T10:00:00Z',
    '2026-11-25T1:00:00Z',
    ' 2026-11-25T10:00:00Z',
    '2026-11-25T10:00:00Z\n',
    '２０２６-11-25T10:00:00Z', // full-width digits
    'Wed, 25 Nov 2026 10:00:00 GMT',
    '1795590000000',
    '',
  ])('%j is not the shape asked for', (text) => {
    expect(problem(text)).toBe('must be an ISO 8601 date-time with a time zone, such as 2026-11-25T10:00:00Z');
  });

  it.each([42, null, undefined, {}, new Date()])('%p is not text', (value) => {
    expect(problem(value)).toMatch(/^must be an ISO 8601 date-time/);
  });

  it('never repeats the text in its problem', () => {
    for (const text of ['2025-02-30T10:00:00Z', '203.0.113.7', '2025-06-01T24:00:00Z']) {
      expect(problem(text)).not.toContain(text.slice(0, 7));
    }
  });
});

describe('a person’s date, read as UTC when it names no zone (missingZone: "utc")', () => {
  const utc = (text: string) => parseIsoInstant(text, { missingZone: 'utc' });

  it.each([
    ['2027-01-01', '2027-01-01T00:00:00.000Z'],
    ['2027-01-01T08:30', '2027-01-01T08:30:00.000Z'],
    ['2027-01-01T08:30:00', '2027-01-01T08:30:00.000Z'],
    ['2027-01-01T08:30:00+08:00', '2027-01-01T00:30:00.000Z'],
  ])('%s is %s', (text, expected) => {
    expect(utc(text).instant?.toISOString()).toBe(expected);
  });

  it.each([
    ['2027-02-29', 'has no such day in its month'],
    ['2027-01-01T24:00', 'has an hour past 23 (midnight is 00:00 of the next day)'],
    ['2027-01', 'must be an ISO 8601 date or date-time, such as 2026-11-25 or 2026-11-25T10:00:00+08:00'],
  ])('%s is refused: %s', (text, reason) => {
    expect(utc(text).problem).toBe(reason);
  });
});

describe('every field round-trips', () => {
  it('any instant JavaScript prints is read back as itself, in any zone', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        (date, offsetMinutes) => {
          expect(instant(date.toISOString())).toBe(date.toISOString());
          // The same instant written in another zone: the wall clock there, then the offset.
          const wall = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const magnitude = Math.abs(offsetMinutes);
          const zone = `${sign}${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
          if (wall.startsWith('-') || wall.startsWith('+')) return; // outside the four-digit years
          expect(instant(`${wall}${zone}`)).toBe(date.toISOString());
        },
      ),
    );
  });

  it('a date is accepted exactly when JavaScript keeps its day and month (no rolling over)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (year, month, day) => {
          const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00Z`;
          const parsed = parseIsoInstant(text);
          const rolled = new Date(0);
          rolled.setUTCFullYear(year, month - 1, day);
          const real = rolled.getUTCMonth() === month - 1 && rolled.getUTCDate() === day;
          expect(parsed.instant !== undefined).toBe(real);
        },
      ),
    );
  });
});

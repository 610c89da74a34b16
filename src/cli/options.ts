// The option parsers the commands share, and the one way they print a count: each refuses a bad value with a message naming it, before anything runs.
import { InvalidArgumentError, Option } from 'commander';

/** Every count a command prints: 1,204,311, the same everywhere. */
export const whole = (count: number): string => count.toLocaleString('en');

/** A whole number from `min` to `max`: a bound a value cannot pass unnoticed (a typo, an extra zero). */
export function wholeNumber(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
    if (!(number >= min && number <= max)) {
      throw new InvalidArgumentError(
        `${name} must be a whole number from ${whole(min)} to ${whole(max)}, got "${value.slice(0, 32)}"`,
      );
    }
    return number;
  };
}

/** Records, names or accounts per transaction: one is slow, and past this a transaction holds too many locks. */
export const batchSize = (max = 10_000) => wholeNumber('--batch-size', 1, max);

export function isoDate(value: string): Date {
  // A date-time without a zone is UTC, as the help says (JavaScript would read it in local time).
  const zoned = /T.*(Z|[+-]\d{2}:?\d{2})$/i.test(value) || !value.includes('T') ? value : `${value}Z`;
  const date = new Date(zoned);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(`expected a date such as 2026-01-01 or 2026-01-01T00:00:00+08:00, got "${value}"`);
  }
  return date;
}

/** "--categories a, b": the list; an empty one ("", " , ,") is refused, never read as "every category". */
export function categoryList(value: string): string[] {
  const categories = value
    .split(',')
    .map((category) => category.trim())
    .filter(Boolean);
  if (categories.length === 0) {
    throw new InvalidArgumentError('names no category: leave --categories out to cover every category');
  }
  return categories;
}

export function formatOption(): Option {
  return new Option('--format <format>', 'record format, instead of guessing from the extension').choices([
    'ndjson',
    'csv',
  ]);
}

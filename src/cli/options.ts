// The option parsers the commands share: each refuses a bad value with a message naming it, before anything runs.
import { InvalidArgumentError, Option } from 'commander';

export function wholeNumber(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

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

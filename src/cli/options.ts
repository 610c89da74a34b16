// The option parsers the commands share, and the one way they print a count: each refuses a bad value with a message naming it, before anything runs.
import { InvalidArgumentError, Option } from 'commander';
import { parseIsoInstant } from '../dates';

/**
 * Text that came from a database or an argument, made safe to print: a control character (an escape sequence
 * could clear or rewrite the terminal) is shown as \u001b instead. Line breaks stay in multi-line messages.
 */
export function printable(text: string, keepLineBreaks = false): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this escapes
  const controls = keepLineBreaks ? /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g : /[\u0000-\u001f\u007f-\u009f]/g;
  return text.replace(controls, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

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

/** An instant: 2026-01-01, 2026-01-01T08:00 (UTC when no zone is given, as the help says) or with a zone. */
export function isoDate(value: string): Date {
  const parsed = parseIsoInstant(value, { missingZone: 'utc' });
  if ('problem' in parsed) throw new InvalidArgumentError(`the date ${parsed.problem}`);
  return parsed.instant;
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

// Account records as the platform exports them (NDJSON or CSV), validated one by one. A bad record is a
// value with its line number and reason, so one bad line never costs the good ones. No message here ever
// quotes a value from the input (a cell may be a real name): positions, counts and field names only.
import { extname } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { z } from 'zod';
import { userIdProblem } from '../user-id';
import { SUBJECT_KINDS, VERIFICATIONS, type AccountFacts } from '../policy/types';
import { MAX_LINE_BYTES, textLines, type TextLine } from './text-lines';

/** A partial update of one account: an absent field is left as it is. */
export type AccountRecord = Pick<AccountFacts, 'userId'> &
  Partial<Pick<AccountFacts, 'followerCount' | 'realName' | 'verification' | 'subjectKind' | 'category'>>;

export type ParsedLine =
  { line: number; record: AccountRecord; error?: undefined } | { line: number; error: string; record?: undefined };

export type RecordFormat = 'ndjson' | 'csv';

/** The whole input cannot be read as records of its format (a CSV without a header, a JSON array...). */
export class RecordSourceError extends Error {
  override name = 'RecordSourceError';
}

const FIELDS = ['userId', 'followerCount', 'realName', 'verification', 'subjectKind', 'category'] as const;

// C0 and C1 controls, U+FFFD (text that was already damaged before it got here), and the bidirectional
// embeddings, overrides and isolates, which would reorder what a feed shows around the name.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const FORBIDDEN_IN_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffd]/;

/** A text field a feed will show: well-formed, printable, not blank. */
function shownText(field: string, maxLength: number) {
  return z.string({ error: `${field} must be a string` }).superRefine((value, context) => {
    const problem = !value.isWellFormed()
      ? 'is not well-formed Unicode text'
      : FORBIDDEN_IN_TEXT.test(value)
        ? 'contains a control, replacement or bidirectional formatting character'
        : value.trim() === ''
          ? 'is empty'
          : value.length > maxLength
            ? `is longer than ${maxLength} characters`
            : undefined;
    if (problem !== undefined) context.addIssue({ code: 'custom', message: `${field} ${problem}` });
  });
}

const recordSchema = z
  .object({
    userId: z.unknown().superRefine((value, context) => {
      if (value === undefined) return context.addIssue({ code: 'custom', message: 'userId is missing' });
      const problem = userIdProblem(value);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: `userId ${problem}` });
    }),
    followerCount: z
      .number({ error: 'followerCount must be a whole number' })
      .int('followerCount must be a whole number')
      .min(0, 'followerCount must not be negative')
      .max(2_147_483_647, 'followerCount is too large')
      .optional(),
    realName: shownText('realName', 255).optional(),
    verification: z
      .enum(VERIFICATIONS, { error: `verification must be one of ${VERIFICATIONS.join(', ')}` })
      .optional(),
    subjectKind: z.enum(SUBJECT_KINDS, { error: `subjectKind must be one of ${SUBJECT_KINDS.join(', ')}` }).optional(),
    category: shownText('category', 64).optional(),
  })
  .strict();

const FIELD_LIST = FIELDS.join(', ');

/** 'key 2 of 3' style positions of the names that are not fields, with a field one of them may have meant. */
function unknownNames(names: readonly string[], what: 'key' | 'column'): string {
  const positions: number[] = [];
  const meant = new Set<string>();
  names.forEach((name, index) => {
    if ((FIELDS as readonly string[]).includes(name)) return;
    positions.push(index + 1);
    const field = FIELDS.find((known) => known.toLowerCase() === name.trim().toLowerCase());
    if (field !== undefined) meant.add(field);
  });
  const plural = positions.length === 1 ? '' : 's';
  const hint = meant.size > 0 ? ` (did you mean ${[...meant].map((field) => `"${field}"`).join(', ')}?)` : '';
  return `${what}${plural} ${positions.join(', ')} of ${names.length} ${positions.length === 1 ? 'is not a field' : 'are not fields'}${hint}`;
}

/** The first problem of a record, in words; never its values (a realName must not reach a log). */
function describeIssue(error: z.ZodError, value: object): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid record';
  if (issue.code === 'unrecognized_keys') return `unknown field: ${unknownNames(Object.keys(value), 'key')}`;
  return issue.message;
}

export function validateRecord(value: unknown, line: number): ParsedLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, error: 'not a JSON object' };
  }
  const result = recordSchema.safeParse(value);
  // userId was checked by userIdProblem above: a string from here on.
  return result.success
    ? { line, record: result.data as AccountRecord }
    : { line, error: describeIssue(result.error, value) };
}

function lineProblem(problem: NonNullable<TextLine['problem']>): string {
  return problem === 'malformed-utf8'
    ? 'not valid UTF-8 text'
    : `longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB: not a record`;
}

/** The first line of an NDJSON input says whether it is NDJSON at all: say what it is instead. */
function checkFirstNdjsonLine(text: string): void {
  const start = text.trimStart();
  if (start.startsWith('[')) {
    throw new RecordSourceError(
      'this is a JSON array, and import reads NDJSON: one JSON object a line (jq -c ".[]" turns one into the other)',
    );
  }
  if (!start.startsWith('{') && text.includes('userId') && text.includes(',')) {
    throw new RecordSourceError('this looks like CSV (its first line names userId): import it with --format csv');
  }
}

async function* ndjsonLines(input: Readable): AsyncGenerator<ParsedLine> {
  let first = true;
  for await (const { line, text, problem } of textLines(input)) {
    if (problem !== undefined) {
      yield { line, error: lineProblem(problem) };
      continue;
    }
    if (text.trim() === '') continue;
    if (first) checkFirstNdjsonLine(text);
    first = false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { line, error: 'not valid JSON' };
      continue;
    }
    yield validateRecord(value, line);
  }
}

/** CSV cells are text: numbers are converted here, and an empty cell means "leave as it is". */
function csvRow(row: Record<string, string>): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [key, cell] of Object.entries(row)) {
    if (cell === '') continue;
    value[key] = key === 'followerCount' && /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
  }
  return value;
}

/** csv-parse's reasons, in words: its own messages quote the field, which may be a real name. */
const CSV_ERRORS: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'malformed CSV: a quote inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'malformed CSV: characters after a closing quote',
};

function checkHeader(header: string[]): string[] {
  const repeated = header.findIndex((column, index) => header.indexOf(column) !== index);
  if (!header.includes('userId') || header.some((column) => !(FIELDS as readonly string[]).includes(column))) {
    throw new RecordSourceError(
      `the first line must be a header naming userId and only ${FIELD_LIST}; ${unknownNames(header, 'column')}` +
        (header.includes('userId') ? '' : ' (is the header line missing?)'),
    );
  }
  if (repeated !== -1) throw new RecordSourceError(`the header names column ${repeated + 1} twice`);
  return header;
}

/** csv-parse error details this file reads: never the record's values. */
interface CsvErrorInfo {
  code?: string;
  lines?: number;
  record?: unknown[];
}

/** Line numbers the CSV feed saw, for the parser's callbacks: malformed ones, and empty ones. */
interface CsvLineNotes {
  malformed: number[];
  empty: number[];
}

/** The input's lines, checked (text-lines.ts) and fed to csv-parse, whose line numbers count the same "\n". */
function checkedCsvText(input: Readable, notes: CsvLineNotes): Readable {
  async function* text(): AsyncGenerator<string> {
    for await (const { line, text: lineText, problem } of textLines(input)) {
      if (problem === 'too-long') {
        throw new RecordSourceError(`line ${line} is ${lineProblem(problem)}: is this a CSV file?`);
      }
      if (problem !== undefined) notes.malformed.push(line);
      if (lineText.trim() === '') notes.empty.push(line);
      yield `${lineText}\n`;
    }
  }
  return Readable.from(text());
}

/** Takes the noted lines up to `end` off the front of the list; true when there were any. */
function takeUpTo(lines: number[], end: number): boolean {
  let taken = false;
  while ((lines[0] ?? Infinity) <= end) {
    lines.shift();
    taken = true;
  }
  return taken;
}

interface CsvRecord {
  record: Record<string, string>;
  info: { lines: number };
  /** The record spans a line that is not valid UTF-8. */
  malformed: boolean;
}

async function* csvLines(input: Readable): AsyncGenerator<ParsedLine> {
  const notes: CsvLineNotes = { malformed: [], empty: [] };
  let header: string[] = [];
  // Where the last record the parser finished (stored or skipped) ended. The parser's callbacks run as it
  // parses, ahead of the loop below, and keep this in step with the lines it has seen.
  let parsedEnd = 0;
  const finish = (end: number): boolean => {
    const malformed = takeUpTo(notes.malformed, end);
    takeUpTo(notes.empty, end);
    parsedEnd = end;
    return malformed;
  };
  const parser = parseCsv({
    columns: (names: string[]) => {
      header = checkHeader(names);
      finish(parser.info.lines); // the header is a record of its own: the first one starts after it
      return header;
    },
    bom: true,
    trim: true,
    skip_empty_lines: true,
    info: true,
    record_delimiter: '\n', // checkedCsvText ends every line with "\n", a "\r" before it dropped
    skip_records_with_error: true, // a malformed line is that line's error, not the end of the file
    on_record: (parsed: Omit<CsvRecord, 'malformed'>, info: { lines: number }) => ({
      ...parsed,
      malformed: finish(info.lines),
    }),
  });
  // A read error of the input ends the parser with it, and with it this iteration.
  pipeline(checkedCsvText(input, notes), parser, () => undefined);

  const reported: ParsedLine[] = [];
  parser.on('skip', (error: CsvErrorInfo) => {
    const line = error.lines ?? parsedEnd + 1;
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      // Everything after an unclosed quote is inside it: report it where its record starts.
      let start = parsedEnd + 1;
      while (notes.empty[0] === start) {
        notes.empty.shift();
        start += 1;
      }
      reported.push({
        line: start,
        error: `malformed CSV: a quoted field in the record that starts here is never closed, so lines ${start}-${line} were not imported`,
      });
      finish(line);
      return;
    }
    finish(line);
    if (reported.at(-1)?.line === line) return; // one report a line
    const fieldCount = error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS';
    reported.push({
      line,
      error: fieldCount
        ? `malformed CSV: expected ${header.length} fields, got ${error.record?.length ?? 'another number'} (quote a value that holds a comma)`
        : (CSV_ERRORS[error.code ?? ''] ?? `malformed CSV (${error.code ?? 'unknown'})`),
    });
  });

  for await (const { record, info, malformed } of parser as AsyncIterable<CsvRecord>) {
    // The parser runs ahead of this loop: report the malformed lines in their place in the file.
    while ((reported[0]?.line ?? Infinity) < info.lines) yield reported.shift()!;
    yield malformed
      ? { line: info.lines, error: lineProblem('malformed-utf8') }
      : validateRecord(csvRow(record), info.lines);
  }
  yield* reported;
}

export function formatOf(path: string, explicit: RecordFormat | undefined): RecordFormat {
  if (explicit !== undefined) return explicit;
  if (path === '-') return 'ndjson';
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  // A .json file is read as NDJSON: one object a line. A JSON array is refused with a hint (checkFirstNdjsonLine).
  if (extension === '.ndjson' || extension === '.jsonl' || extension === '.json') return 'ndjson';
  throw new Error(`${path}: cannot tell the format from "${extension}": use .csv, .ndjson or .jsonl, or --format`);
}

/** Streams the records of one input: memory does not grow with the file. */
export function readRecords(input: Readable, format: RecordFormat): AsyncGenerator<ParsedLine> {
  return format === 'csv' ? csvLines(input) : ndjsonLines(input);
}

// Records from NDJSON or CSV, one by one, each with its line number: a bad line is a value with its reason,
// so one bad line never costs the good ones. What a record is, and what its reasons say, is the caller's
// LineSchema. No message here ever quotes a value from the input (a cell may be a real name or an address):
// positions, counts and field names only. Lines are checked as UTF-8 byte by byte (text-lines.ts): a line
// that is not valid UTF-8 is that line's error, never text with U+FFFD in it.
import { extname } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { MAX_LINE_BYTES, textLines, type TextLine } from './text-lines';

export type ParsedLine<R> =
  { line: number; record: R; error?: undefined } | { line: number; error: string; record?: undefined };

export type RecordFormat = 'ndjson' | 'csv';

export interface LineSchema<R> {
  /** The columns a CSV header may name, and those it must. */
  fields: readonly string[];
  required: readonly string[];
  /** A CSV row's cells (text) as the values `validate` expects. */
  fromCsv(row: Record<string, string>): Record<string, unknown>;
  validate(value: unknown, line: number): ParsedLine<R>;
}

/** The whole input cannot be read as records of its format (a CSV without a header, a JSON array...). */
export class RecordSourceError extends Error {
  override name = 'RecordSourceError';
}

/** How many single-character edits turn one text into the other (Levenshtein), for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The field a name was probably meant to be: the same but for case and spaces, or two typos away at most. */
function meantField(name: string, fields: readonly string[]): string | undefined {
  const plain = name.trim().toLowerCase();
  if (plain.length > 64) return undefined; // no field is that long: not worth the comparison
  return (
    fields.find((field) => field.toLowerCase() === plain) ??
    fields.find((field) => editDistance(field.toLowerCase(), plain) <= Math.min(2, Math.floor(field.length / 4)))
  );
}

/** 'key 2 of 3' style positions of the names that are not fields, with a field one of them may have meant. */
export function unknownNames(names: readonly string[], what: 'key' | 'column', fields: readonly string[]): string {
  const positions: number[] = [];
  const meant = new Set<string>();
  names.forEach((name, index) => {
    if (fields.includes(name)) return;
    positions.push(index + 1);
    const field = meantField(name, fields);
    if (field !== undefined) meant.add(field);
  });
  const plural = positions.length === 1 ? '' : 's';
  const hint = meant.size > 0 ? ` (did you mean ${[...meant].map((field) => `"${field}"`).join(', ')}?)` : '';
  return `${what}${plural} ${positions.join(', ')} of ${names.length} ${positions.length === 1 ? 'is not a field' : 'are not fields'}${hint}`;
}

function lineProblem(problem: NonNullable<TextLine['problem']>): string {
  return problem === 'malformed-utf8'
    ? 'not valid UTF-8 text'
    : `longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB: not a record`;
}

/** The first line of an NDJSON input says whether it is NDJSON at all: say what it is instead. */
function checkFirstNdjsonLine(text: string, schema: LineSchema<unknown>): void {
  const key = schema.required[0] ?? '';
  const start = text.trimStart();
  if (start.startsWith('[')) {
    throw new RecordSourceError(
      'this is a JSON array, and import reads NDJSON: one JSON object a line (jq -c ".[]" turns one into the other)',
    );
  }
  if (!start.startsWith('{') && text.includes(key) && text.includes(',')) {
    throw new RecordSourceError(`this looks like CSV (its first line names ${key}): import it with --format csv`);
  }
}

async function* ndjsonLines<R>(input: Readable, schema: LineSchema<R>): AsyncGenerator<ParsedLine<R>> {
  let first = true;
  for await (const { line, text, problem } of textLines(input)) {
    if (problem !== undefined) {
      yield { line, error: lineProblem(problem) };
      continue;
    }
    if (text.trim() === '') continue;
    if (first) checkFirstNdjsonLine(text, schema as LineSchema<unknown>);
    first = false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { line, error: 'not valid JSON' };
      continue;
    }
    yield schema.validate(value, line);
  }
}

/** csv-parse's reasons, in words: its own messages quote the field, which may be a real name. */
const CSV_ERRORS: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'malformed CSV: a quote inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'malformed CSV: characters after a closing quote',
};

function checkHeader(header: string[], schema: LineSchema<unknown>): string[] {
  const repeated = header.findIndex((column, index) => header.indexOf(column) !== index);
  const hasRequired = schema.required.every((column) => header.includes(column));
  if (!hasRequired || header.some((column) => !schema.fields.includes(column))) {
    throw new RecordSourceError(
      `the first line must be a header naming ${schema.required.join(', ')} and only ${schema.fields.join(', ')}; ` +
        unknownNames(header, 'column', schema.fields) +
        (hasRequired ? '' : ' (is the header line missing?)'),
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

async function* csvLines<R>(input: Readable, schema: LineSchema<R>): AsyncGenerator<ParsedLine<R>> {
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
      header = checkHeader(names, schema as LineSchema<unknown>);
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

  const reported: ParsedLine<R>[] = [];
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
      : schema.validate(schema.fromCsv(record), info.lines);
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
export function readLines<R>(
  input: Readable,
  format: RecordFormat,
  schema: LineSchema<R>,
): AsyncGenerator<ParsedLine<R>> {
  return format === 'csv' ? csvLines(input, schema) : ndjsonLines(input, schema);
}

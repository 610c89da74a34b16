// Records from NDJSON or CSV, one by one, each with its line number: a bad line is a value with its reason,
// so one bad line never costs the good ones. What a record is, and what its reasons say, is the caller's
// LineSchema; reasons never quote a value (a real name, an address).
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';

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

async function* ndjsonLines<R>(input: Readable, schema: LineSchema<R>): AsyncGenerator<ParsedLine<R>> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
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

/** csv-parse's reasons, in words: its own messages quote the field. */
const CSV_ERRORS: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'malformed CSV: a quote inside an unquoted field',
  CSV_QUOTE_NOT_CLOSED: 'malformed CSV: a quoted field is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'malformed CSV: characters after a closing quote',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'malformed CSV: wrong number of fields',
};

function headerCheck(schema: LineSchema<unknown>) {
  return (header: string[]): string[] => {
    const unknown = header.filter((column) => !schema.fields.includes(column));
    if (!schema.required.every((column) => header.includes(column)) || unknown.length > 0) {
      throw new Error(
        `CSV header must name ${schema.required.join(', ')} and only ${schema.fields.join(', ')}` +
          (unknown.length > 0 ? `; unknown column ${unknown.map((column) => `"${column}"`).join(', ')}` : ''),
      );
    }
    return header;
  };
}

async function* csvLines<R>(input: Readable, schema: LineSchema<R>): AsyncGenerator<ParsedLine<R>> {
  const parser = input.pipe(
    parseCsv({
      columns: headerCheck(schema as LineSchema<unknown>),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      relax_column_count: true,
      skip_records_with_error: true, // a malformed line is that line's error, not the end of the file
    }),
  );
  const malformed: ParsedLine<R>[] = [];
  parser.on('skip', (error: { code?: string; lines?: number }) => {
    const line = error.lines ?? 0;
    if (malformed.at(-1)?.line === line) return; // one report a line
    malformed.push({ line, error: CSV_ERRORS[error.code ?? ''] ?? `malformed CSV (${error.code ?? 'unknown'})` });
  });
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    // The parser runs ahead of this loop: report the malformed lines in their place in the file.
    while ((malformed[0]?.line ?? Infinity) < info.lines) yield malformed.shift()!;
    yield schema.validate(schema.fromCsv(record), info.lines);
  }
  yield* malformed;
}

export function formatOf(path: string, explicit: RecordFormat | undefined): RecordFormat {
  if (explicit !== undefined) return explicit;
  if (path === '-') return 'ndjson';
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
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

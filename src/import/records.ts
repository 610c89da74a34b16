// Account records as the platform exports them (NDJSON or CSV), validated one by one. A bad record is a
// value with its line number and reason, so one bad line never costs the good ones.
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { z } from 'zod';
import { userIdProblem } from '../user-id';
import { SUBJECT_KINDS, VERIFICATIONS, type AccountFacts } from '../policy/types';

/** A partial update of one account: an absent field is left as it is. The real name is the text, not yet sealed. */
export type AccountRecord = Pick<AccountFacts, 'userId'> &
  Partial<Pick<AccountFacts, 'followerCount' | 'verification' | 'subjectKind' | 'category'>> & { realName?: string };

export type ParsedLine =
  { line: number; record: AccountRecord; error?: undefined } | { line: number; error: string; record?: undefined };

export type RecordFormat = 'ndjson' | 'csv';

const FIELDS = ['userId', 'followerCount', 'realName', 'verification', 'subjectKind', 'category'] as const;

const recordSchema = z
  .object({
    userId: z.unknown().superRefine((value, context) => {
      if (value === undefined) return context.addIssue({ code: 'custom', message: 'userId is missing' });
      const problem = userIdProblem(value);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: `userId ${problem}` });
    }),
    followerCount: z
      .number({ error: 'followerCount must be a number' })
      .int('followerCount must be a whole number')
      .min(0, 'followerCount must not be negative')
      .max(2_147_483_647, 'followerCount is too large')
      .optional(),
    realName: z.string().min(1, 'realName is empty').max(255, 'realName is longer than 255 characters').optional(),
    verification: z
      .enum(VERIFICATIONS, { error: `verification must be one of ${VERIFICATIONS.join(', ')}` })
      .optional(),
    subjectKind: z.enum(SUBJECT_KINDS, { error: `subjectKind must be one of ${SUBJECT_KINDS.join(', ')}` }).optional(),
    category: z.string().min(1).max(64, 'category is longer than 64 characters').optional(),
  })
  .strict();

/** The first problem of a record, in words; never its values (a realName must not reach a log). */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid record';
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  return issue.message;
}

export function validateRecord(value: unknown, line: number): ParsedLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, error: 'not a JSON object' };
  }
  const result = recordSchema.safeParse(value);
  // userId was checked by userIdProblem above: a string from here on.
  return result.success ? { line, record: result.data as AccountRecord } : { line, error: describeIssue(result.error) };
}

async function* ndjsonLines(input: Readable): AsyncGenerator<ParsedLine> {
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
    yield validateRecord(value, line);
  }
}

/** CSV cells are text: numbers are converted here, and an empty cell means "leave as it is". */
function csvRow(row: Record<string, string>): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [key, cell] of Object.entries(row)) {
    if (cell === '') continue;
    value[key] = key === 'followerCount' && /^-?\d+(\.\d+)?$/.test(cell.trim()) ? Number(cell) : cell;
  }
  return value;
}

/** csv-parse's reasons, in words: its own messages quote the field, which may be a real name. */
const CSV_ERRORS: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'malformed CSV: a quote inside an unquoted field',
  CSV_QUOTE_NOT_CLOSED: 'malformed CSV: a quoted field is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'malformed CSV: characters after a closing quote',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'malformed CSV: wrong number of fields',
};

function checkHeader(header: string[]): string[] {
  const unknown = header.filter((column) => !(FIELDS as readonly string[]).includes(column));
  if (!header.includes('userId') || unknown.length > 0) {
    throw new Error(
      `CSV header must name userId and only ${FIELDS.join(', ')}` +
        (unknown.length > 0 ? `; unknown column ${unknown.map((column) => `"${column}"`).join(', ')}` : ''),
    );
  }
  return header;
}

async function* csvLines(input: Readable): AsyncGenerator<ParsedLine> {
  const parser = input.pipe(
    parseCsv({
      columns: checkHeader,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      relax_column_count: true,
      skip_records_with_error: true, // a malformed line is that line's error, not the end of the file
    }),
  );
  const malformed: ParsedLine[] = [];
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
    yield validateRecord(csvRow(record), info.lines);
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
export function readRecords(input: Readable, format: RecordFormat): AsyncGenerator<ParsedLine> {
  return format === 'csv' ? csvLines(input) : ndjsonLines(input);
}

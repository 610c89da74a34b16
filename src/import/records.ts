// Account records as the platform exports them (NDJSON or CSV), validated one by one. A bad record is a
// value with its line number and reason, so one bad line never costs the good ones. No message here ever
// quotes a value from the input (a cell may be a real name): positions, counts and field names only.
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { shownTextProblem } from '../shown-text';
import { userIdProblem } from '../user-id';
import { SUBJECT_KINDS, VERIFICATIONS, type AccountFacts } from '../policy/types';
import { readLines, unknownNames, type LineSchema, type ParsedLine as Line, type RecordFormat } from './record-lines';

export { formatOf, RecordSourceError, type RecordFormat } from './record-lines';

/** A partial update of one account: an absent field is left as it is. The real name is the text, not yet sealed. */
export type AccountRecord = Pick<AccountFacts, 'userId'> &
  Partial<Pick<AccountFacts, 'followerCount' | 'verification' | 'subjectKind' | 'category'>> & { realName?: string };

export type ParsedLine = Line<AccountRecord>;

const FIELDS = ['userId', 'followerCount', 'realName', 'verification', 'subjectKind', 'category'] as const;

/** A text field a feed will show: well-formed, printable, not blank (src/shown-text.ts). */
function shownText(field: string, maxLength: number) {
  return z.string({ error: `${field} must be a string` }).superRefine((value, context) => {
    const problem = shownTextProblem(value, maxLength);
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

/** The first problem of a record, in words; never its values (a realName must not reach a log). */
function describeIssue(error: z.ZodError, value: object): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid record';
  if (issue.code === 'unrecognized_keys') return `unknown field: ${unknownNames(Object.keys(value), 'key', FIELDS)}`;
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

/** CSV cells are text: numbers are converted here, and an empty cell means "leave as it is". */
function csvRow(row: Record<string, string>): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [key, cell] of Object.entries(row)) {
    if (cell === '') continue;
    value[key] = key === 'followerCount' && /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
  }
  return value;
}

const ACCOUNT_LINES: LineSchema<AccountRecord> = {
  fields: FIELDS,
  required: ['userId'],
  fromCsv: csvRow,
  validate: validateRecord,
};

/** Streams the records of one input: memory does not grow with the file. */
export function readRecords(input: Readable, format: RecordFormat): AsyncGenerator<ParsedLine> {
  return readLines(input, format, ACCOUNT_LINES);
}

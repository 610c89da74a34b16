import { Readable } from 'node:stream';
import { formatOf, readRecords, type ParsedLine, type RecordFormat } from '../../../src/import/records';

async function parse(text: string, format: RecordFormat): Promise<ParsedLine[]> {
  const lines: ParsedLine[] = [];
  for await (const line of readRecords(Readable.from([text]), format)) lines.push(line);
  return lines;
}

describe('NDJSON records', () => {
  it('reads partial records, skipping blank lines, with their line numbers', async () => {
    const lines = await parse(
      '{"userId":"a","followerCount":5}\n\n{"userId":"b","realName":"B B","verification":"VERIFIED"}\n',
      'ndjson',
    );
    expect(lines).toEqual([
      { line: 1, record: { userId: 'a', followerCount: 5 } },
      { line: 3, record: { userId: 'b', realName: 'B B', verification: 'VERIFIED' } },
    ]);
  });

  it.each([
    ['{"userId":"a"', 'not valid JSON'],
    ['[1,2]', 'not a JSON object'],
    ['{"followerCount":1}', 'userId is missing'],
    ['{"userId":7}', 'userId must be a string, got number'],
    ['{"userId":""}', 'userId must be 1-64 characters, got 0'],
    [`{"userId":"${'x'.repeat(65)}"}`, 'userId must be 1-64 characters, got 65'],
    ['{"userId":"u-1 "}', 'userId must not start or end with white space'],
    ['{"userId":"a\\ud800"}', 'userId must be well-formed Unicode text without control characters'],
    ['{"userId":"a","followerCount":-1}', 'followerCount must not be negative'],
    ['{"userId":"a","followerCount":1.5}', 'followerCount must be a whole number'],
    ['{"userId":"a","followerCount":"12"}', 'followerCount must be a number'],
    ['{"userId":"a","verification":"MAYBE"}', 'verification must be one of VERIFIED, UNVERIFIED, REVOKED'],
    ['{"userId":"a","subjectKind":"ROBOT"}', 'subjectKind must be one of INDIVIDUAL, ORGANIZATION'],
    ['{"userId":"a","nickname":"x"}', 'unknown field "nickname"'],
  ])('rejects %s: %s', async (text, reason) => {
    expect(await parse(text, 'ndjson')).toEqual([{ line: 1, error: reason }]);
  });

  it('never puts a real name into a rejection reason', async () => {
    const [line] = await parse('{"userId":"a","realName":"Secret Name","verification":"NOPE"}', 'ndjson');
    expect(line?.error).toBeDefined();
    expect(line?.error).not.toContain('Secret Name');
  });
});

describe('CSV records', () => {
  it('reads a header row; empty cells leave fields as they are; numbers are converted', async () => {
    const lines = await parse('userId,followerCount,realName\r\na,1200,Li Si\r\nb,,\r\n', 'csv');
    expect(lines).toEqual([
      { line: 2, record: { userId: 'a', followerCount: 1200, realName: 'Li Si' } },
      { line: 3, record: { userId: 'b' } },
    ]);
  });

  it('reports bad rows by their line', async () => {
    const lines = await parse('userId,followerCount\na,12\nb,-3\nc,many\n', 'csv');
    expect(lines).toEqual([
      { line: 2, record: { userId: 'a', followerCount: 12 } },
      { line: 3, error: 'followerCount must not be negative' },
      { line: 4, error: 'followerCount must be a number' },
    ]);
  });

  it('reports a malformed line by its number, without its values, and reads on', async () => {
    const lines = await parse('userId,realName\nu-1,Zhang "Wei"\nu-2,Li Si\nu-3,"never closed\n', 'csv');
    expect(lines).toEqual([
      { line: 2, error: 'malformed CSV: a quote inside an unquoted field' },
      { line: 3, record: { userId: 'u-2', realName: 'Li Si' } },
      { line: 4, error: 'malformed CSV: a quoted field is not closed' },
    ]);
    expect(JSON.stringify(lines)).not.toContain('Wei');
  });

  it('refuses a header with an unknown column', async () => {
    await expect(parse('userId,followers\na,1\n', 'csv')).rejects.toThrow(/unknown column "followers"/);
  });
});

describe('format', () => {
  it('comes from the extension, or --format', () => {
    expect(formatOf('a.csv', undefined)).toBe('csv');
    expect(formatOf('a.jsonl', undefined)).toBe('ndjson');
    expect(formatOf('-', undefined)).toBe('ndjson');
    expect(formatOf('a.txt', 'csv')).toBe('csv');
    expect(() => formatOf('a.txt', undefined)).toThrow(/cannot tell the format from ".txt"/);
  });
});

import { Readable } from 'node:stream';
import { formatOf, readRecords, type ParsedLine, type RecordFormat } from '../../../src/import/records';

async function parse(input: string | Buffer, format: RecordFormat): Promise<ParsedLine[]> {
  const lines: ParsedLine[] = [];
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  for await (const line of readRecords(Readable.from([bytes]), format)) lines.push(line);
  return lines;
}

const SECRET = 'Secret Person';

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
    ['{"followerCount":1}', 'userId is missing'],
    ['{"userId":7}', 'userId must be a string, got number'],
    ['{"userId":""}', 'userId must be 1-64 characters, got 0'],
    [`{"userId":"${'x'.repeat(65)}"}`, 'userId must be 1-64 characters, got 65'],
    ['{"userId":"u-1 "}', 'userId must not start or end with white space'],
    ['{"userId":"a\\ud800"}', 'userId must be well-formed Unicode text without control characters'],
    ['{"userId":"a","followerCount":-1}', 'followerCount must not be negative'],
    ['{"userId":"a","followerCount":1.5}', 'followerCount must be a whole number'],
    ['{"userId":"a","followerCount":"12"}', 'followerCount must be a whole number'],
    ['{"userId":"a","verification":"MAYBE"}', 'verification must be one of VERIFIED, UNVERIFIED, REVOKED'],
    ['{"userId":"a","subjectKind":"ROBOT"}', 'subjectKind must be one of INDIVIDUAL, ORGANIZATION'],
    ['{"userId":"a","nickname":"x"}', 'unknown field: key 2 of 2 is not a field'],
    ['{"userId":"a","FollowerCount":1}', 'unknown field: key 2 of 2 is not a field (did you mean "followerCount"?)'],
    ['{"userId":"a","folowerCount":1}', 'unknown field: key 2 of 2 is not a field (did you mean "followerCount"?)'],
    ['{"userId":"a","realname_":"x"}', 'unknown field: key 2 of 2 is not a field (did you mean "realName"?)'],
    ['{"userId":"a","verify":"x"}', 'unknown field: key 2 of 2 is not a field'],
  ])('rejects %s: %s', async (text, reason) => {
    expect(await parse(text, 'ndjson')).toEqual([{ line: 1, error: reason }]);
  });

  it('never puts a real name into a rejection reason', async () => {
    const [line] = await parse('{"userId":"a","realName":"Secret Name","verification":"NOPE"}', 'ndjson');
    expect(line?.error).toBeDefined();
    expect(line?.error).not.toContain('Secret Name');
  });

  it('names an unknown key by its position, never by the key (it may be a value)', async () => {
    const [line] = await parse(`{"userId":"a","${SECRET}":1,"x":2}`, 'ndjson');
    expect(line).toEqual({ line: 1, error: 'unknown field: keys 2, 3 of 3 are not fields' });
  });

  it('a line that is not a JSON object is that line’s error', async () => {
    expect(await parse('{"userId":"a"}\n[1,2]\n"text"\n', 'ndjson')).toEqual([
      { line: 1, record: { userId: 'a' } },
      { line: 2, error: 'not a JSON object' },
      { line: 3, error: 'not a JSON object' },
    ]);
  });

  it('accepts a UTF-8 byte order mark, as CSV does', async () => {
    expect(await parse('\ufeff{"userId":"bom-1"}\n', 'ndjson')).toEqual([{ line: 1, record: { userId: 'bom-1' } }]);
  });

  it('refuses a JSON array (a .json file) with a hint, instead of a rejection on every line', async () => {
    await expect(parse('[\n{"userId":"a"}\n]\n', 'ndjson')).rejects.toThrow(/JSON array.*one JSON object a line/);
  });

  it('refuses CSV read as NDJSON (standard input without --format) with a hint', async () => {
    await expect(parse('userId,followerCount\na,1\n', 'ndjson')).rejects.toThrow(/looks like CSV.*--format csv/);
  });
});

describe('text', () => {
  const ndjsonLine = (realName: string) => `${JSON.stringify({ userId: 'u', realName })}\n`;

  it('a line that is not valid UTF-8 is that line’s error, never stored as U+FFFD', async () => {
    const input = Buffer.concat([
      Buffer.from('{"userId":"m-'),
      Buffer.from([0xff]),
      Buffer.from('"}\n{"userId":"ok","realName":"Zh'),
      Buffer.from([0xc3]),
      Buffer.from('ng"}\n{"userId":"fine"}\n'),
    ]);
    expect(await parse(input, 'ndjson')).toEqual([
      { line: 1, error: 'not valid UTF-8 text' },
      { line: 2, error: 'not valid UTF-8 text' },
      { line: 3, record: { userId: 'fine' } },
    ]);
  });

  it.each([
    ['a lone surrogate', 'Zh\ud800ng', 'realName is not well-formed Unicode text'],
    ['only white space', '   ', 'realName is empty'],
    ['a NUL', 'Zh\u0000ng', 'realName contains a control, replacement or bidirectional formatting character'],
    ['a C0 control', 'Zh\u001bng', 'realName contains a control, replacement or bidirectional formatting character'],
    ['a C1 control', 'Zh\u0085ng', 'realName contains a control, replacement or bidirectional formatting character'],
    ['a bidi override', 'Zh\u202eng', 'realName contains a control, replacement or bidirectional formatting character'],
    ['a bidi isolate', 'Zh\u2066ng', 'realName contains a control, replacement or bidirectional formatting character'],
    ['U+FFFD', 'Zh\ufffdng', 'realName contains a control, replacement or bidirectional formatting character'],
  ])('a realName with %s is refused, without its value', async (_case, realName, reason) => {
    expect(await parse(ndjsonLine(realName), 'ndjson')).toEqual([{ line: 1, error: reason }]);
  });

  it('a category with a lone surrogate or a control is refused too', async () => {
    const lines = await parse(
      '{"userId":"u","category":"fin\\udc00"}\n{"userId":"u","category":"a\\u202bb"}\n',
      'ndjson',
    );
    expect(lines.map((line) => line.error)).toEqual([
      'category is not well-formed Unicode text',
      'category contains a control, replacement or bidirectional formatting character',
    ]);
  });

  it('names in any script, with inner spaces and punctuation, are fine', async () => {
    const names = ['张伟', 'Zhāng Wěi', "O'Brien-Smith", 'Evening News Media Co., Ltd.', 'محمد'];
    const lines = await parse(names.map(ndjsonLine).join(''), 'ndjson');
    expect(lines.map((line) => line.record?.realName)).toEqual(names);
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
    const lines = await parse('userId,followerCount\na,12\nb,-3\nc,many\nd,1.5e6\n', 'csv');
    expect(lines).toEqual([
      { line: 2, record: { userId: 'a', followerCount: 12 } },
      { line: 3, error: 'followerCount must not be negative' },
      { line: 4, error: 'followerCount must be a whole number' },
      { line: 5, error: 'followerCount must be a whole number' },
    ]);
  });

  it('a line with more fields than the header is that line’s error, never truncated and stored', async () => {
    const lines = await parse(
      'userId,followerCount,realName\nu-6001,100,Evening News Media Co., Ltd.\nu-6002,5,"Quoted Co., Ltd."\nu-6003,7\n',
      'csv',
    );
    expect(lines).toEqual([
      { line: 2, error: 'malformed CSV: expected 3 fields, got 4 (quote a value that holds a comma)' },
      { line: 3, record: { userId: 'u-6002', followerCount: 5, realName: 'Quoted Co., Ltd.' } },
      { line: 4, error: 'malformed CSV: expected 3 fields, got 2 (quote a value that holds a comma)' },
    ]);
    expect(JSON.stringify(lines)).not.toContain('Evening');
  });

  it('reports a malformed line by its number, without its values, and reads on', async () => {
    const lines = await parse('userId,realName\nu-1,Zhang "Wei"\nu-2,Li Si\n', 'csv');
    expect(lines).toEqual([
      { line: 2, error: 'malformed CSV: a quote inside an unquoted field' },
      { line: 3, record: { userId: 'u-2', realName: 'Li Si' } },
    ]);
    expect(JSON.stringify(lines)).not.toContain('Wei');
  });

  it('reports an unclosed quote at the line where it opened, with the lines it swallowed', async () => {
    const lines = await parse('userId,realName\nu-1,Li Si\n\nu-2,"never closed\nu-3,Wang Wu\nu-4,Zhao Liu\n', 'csv');
    expect(lines).toEqual([
      { line: 2, record: { userId: 'u-1', realName: 'Li Si' } },
      {
        line: 4,
        error:
          'malformed CSV: a quoted field in the record that starts here is never closed, so lines 4-6 were not imported',
      },
    ]);
  });

  it('a record on a line that is not valid UTF-8 is that line’s error; the others are read', async () => {
    const input = Buffer.concat([
      Buffer.from('userId,realName\nu-1,Zh'),
      Buffer.from([0xe4, 0xb8]),
      Buffer.from('ng\nu-2,Li Si\n'),
    ]);
    expect(await parse(input, 'csv')).toEqual([
      { line: 2, error: 'not valid UTF-8 text' },
      { line: 3, record: { userId: 'u-2', realName: 'Li Si' } },
    ]);
  });

  it('refuses a header with an unknown column, by its position', async () => {
    await expect(parse('userId,followers\na,1\n', 'csv')).rejects.toThrow(/column 2 of 2 is not a field/);
  });

  it('refuses a file without a header row, without quoting its first row', async () => {
    const failure = parse(`h-1,2400000,${SECRET}\n`, 'csv');
    await expect(failure).rejects.toThrow(/columns 1, 2, 3 of 3 are not fields \(is the header line missing\?\)/);
    await expect(failure).rejects.not.toThrow(new RegExp(`${SECRET}|h-1|2400000`));
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

// The lines of an input as text, each checked to be UTF-8 as it was written: a line that is not is marked, never
// silently "repaired" into U+FFFD and stored. Line numbers count "\n" (a "\r" before it is dropped).
import { isUtf8 } from 'node:buffer';

export interface TextLine {
  line: number;
  /** The line without its line break; for a malformed line, a lossy decoding (for its quotes and commas only). */
  text: string;
  problem?: 'malformed-utf8' | 'too-long';
}

/** Longer than any record could be: a longer "line" is a file of another kind, and is not held in memory. */
export const MAX_LINE_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function toLine(line: number, bytes: Buffer): TextLine {
  let body = line === 1 && bytes.subarray(0, 3).equals(BOM) ? bytes.subarray(3) : bytes;
  if (body.at(-1) === CARRIAGE_RETURN) body = body.subarray(0, -1);
  const text = body.toString('utf8');
  return isUtf8(body) ? { line, text } : { line, text, problem: 'malformed-utf8' };
}

/** Streams the lines; a read error (a missing file, a lost pipe) is thrown from the iteration. */
export async function* textLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<TextLine> {
  let line = 1;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  for await (const data of input) {
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, end);
      if (tooLong || pendingBytes + piece.length > MAX_LINE_BYTES) yield { line, text: '', problem: 'too-long' };
      else yield toLine(line, pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
      line += 1;
      pending = [];
      pendingBytes = 0;
      tooLong = false;
      start = end + 1;
    }
    const rest = chunk.subarray(start);
    if (tooLong || pendingBytes + rest.length > MAX_LINE_BYTES) {
      tooLong = true; // keep reading to the end of the line, without keeping it
      pending = [];
    } else if (rest.length > 0) {
      pending.push(Buffer.from(rest)); // a copy: the stream may reuse its chunk
      pendingBytes += rest.length;
    }
  }
  if (tooLong) yield { line, text: '', problem: 'too-long' };
  else if (pendingBytes > 0) yield toLine(line, Buffer.concat(pending));
}

// Writes ip2region .xdb files for the tests, laid out as upstream's maker writes them (maker/golang/xdb in
// lionsoul2014/ip2region, structure 3): a 256-byte header, the 256×256 vector index of each address's first
// two bytes, the region texts, then one index entry per segment and per two-byte prefix it spans. IPv4
// entries hold their addresses as little-endian numbers, IPv6 ones as they are. The official binding
// (ip2region.js) reads them; nothing here is used by the service.
import { readFileSync } from 'node:fs';
import { parseIP } from 'ip2region.js';

export interface XdbSegment {
  /** First and last address of the segment, inclusive. */
  first: string;
  last: string;
  region: string;
}

const HEADER_BYTES = 256;
const VECTOR_BYTES = 256 * 256 * 8;

/** An address as a number: IPv4 fits a double exactly; IPv6 takes a bigint. */
function addressBits(ip: string): bigint {
  return parseIP(ip).reduce((bits, byte) => (bits << 8n) | BigInt(byte), 0n);
}

/** Writes an address into an index entry: IPv4 as a little-endian number, IPv6 byte by byte as it reads. */
function writeAddress(entry: Buffer, at: number, bits: bigint, family: 4 | 6): void {
  if (family === 4) entry.writeUInt32LE(Number(bits), at);
  else for (let index = 15, rest = bits; index >= 0; index--, rest >>= 8n) entry[at + index] = Number(rest & 0xffn);
}

/** An .xdb file of `segments` (sorted, not overlapping), its header dated `createdAt`. */
export function makeXdb(family: 4 | 6, segments: readonly XdbSegment[], createdAt: Date): Buffer {
  const addressBytes = family === 4 ? 4 : 16;
  const entryBytes = 2 * addressBytes + 6;
  const regions = new Map<string, { pointer: number; length: number }>();
  const texts: Buffer[] = [];
  let end = HEADER_BYTES + VECTOR_BYTES;
  for (const { region } of segments) {
    if (regions.has(region)) continue;
    const text = Buffer.from(region, 'utf8');
    regions.set(region, { pointer: end, length: text.length });
    texts.push(text);
    end += text.length;
  }
  // One entry per segment and per two-byte prefix it spans, as upstream splits them.
  const prefixShift = BigInt(addressBytes * 8 - 16);
  const pieces: { start: bigint; stop: bigint; region: string }[] = [];
  for (const { first, last, region } of segments) {
    const lastBits = addressBits(last);
    for (let start = addressBits(first); start <= lastBits;) {
      const prefixEnd = ((start >> prefixShift) << prefixShift) | ((1n << prefixShift) - 1n);
      const stop = prefixEnd < lastBits ? prefixEnd : lastBits;
      pieces.push({ start, stop, region });
      start = stop + 1n;
    }
  }
  const indexStart = end;
  const index = Buffer.alloc(pieces.length * entryBytes);
  const vector = Buffer.alloc(VECTOR_BYTES);
  pieces.forEach(({ start, stop, region }, count) => {
    const { pointer, length } = regions.get(region)!;
    const at = count * entryBytes;
    writeAddress(index, at, start, family);
    writeAddress(index, at + addressBytes, stop, family);
    index.writeUInt16LE(length, at + 2 * addressBytes);
    index.writeUInt32LE(pointer, at + 2 * addressBytes + 2);
    const cell = Number(start >> prefixShift) * 8; // the vector index's cell of the first two bytes
    if (vector.readUInt32LE(cell) === 0) vector.writeUInt32LE(indexStart + at, cell);
    vector.writeUInt32LE(indexStart + at + entryBytes, cell + 4);
  });
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16LE(3, 0); // structure 3: IPv4 and IPv6
  header.writeUInt16LE(1, 2); // the vector index policy
  header.writeUInt32LE(Math.floor(createdAt.getTime() / 1000), 4);
  header.writeUInt32LE(indexStart, 8);
  header.writeUInt32LE(indexStart + index.length - entryBytes, 12);
  header.writeUInt16LE(family, 16);
  header.writeUInt16LE(4, 18); // pointers of 4 bytes
  return Buffer.concat([header, vector, ...texts, index]);
}

/**
 * The segments of an ip2region IPv4 .db file (the bundled ip2region.db) that `keep` keeps, by their position
 * and their first and last address as numbers; each region text as it stands.
 */
export function segmentsOfIpv4Db(file: string, keep: (index: number, first: number, last: number) => boolean) {
  const data = readFileSync(file);
  const dotted = (value: number) => [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
  const segments: XdbSegment[] = [];
  for (let entry = data.readUInt32LE(0), index = 0; entry <= data.readUInt32LE(4); entry += 12, index++) {
    const [first, last] = [data.readUInt32LE(entry), data.readUInt32LE(entry + 4)];
    if (!keep(index, first, last)) continue;
    const pointer = data.readUInt32LE(entry + 8);
    const start = (pointer & 0xffffff) + 4; // after the city id
    const region = data.toString('utf8', start, (pointer & 0xffffff) + (pointer >>> 24));
    segments.push({ first: dotted(first), last: dotted(last), region });
  }
  return segments;
}

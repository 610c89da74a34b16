// The offline IP database: ip2region's data, an IPv4 file and an IPv6 file, each in either of its formats:
// .xdb, the one upstream publishes now, read through its official binding (ip2region.js); or the older .db
// of the ip2region package, whose bundled files are the default (the official package ships no data). The
// files are read once, when it opens; a lookup is in memory (a few µs) and never stores, logs or returns the
// address: only the place's codes come out.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, extname, join } from 'node:path';
import IP2Region from 'ip2region';
import { ExpectedFailure } from '../errors';
import {
  Header,
  HeaderInfoLength,
  IPv4,
  IPv6,
  newWithBuffer,
  VectorIndexCols,
  VectorIndexRows,
  VectorIndexSize,
  versionFromHeader,
  XdbStructure30,
  type Version,
} from 'ip2region.js';
import { embeddedIpv4 } from './embedded-ipv4';
import { placeOfNames, placeOfRegionText, placeOfText, UNKNOWN_PLACE, type IpPlace } from './place';

/** Where the files are; undefined: the ones the ip2region package ships. A name ending in .xdb is an .xdb file. */
export interface IpDatabasePaths {
  ipv4: string | undefined;
  ipv6: string | undefined;
}

/** What was loaded, for the start-up log: which file, its format, how big, its digest, and its date if it says. */
export interface IpDataFile {
  file: string;
  format: 'xdb' | 'db';
  bytes: number;
  sha256: string;
  /**
   * YYYY-MM-DD: when an .xdb file was made (its header says), the data's version in the IPv6 .db; null for the
   * IPv4 .db, which carries no date.
   */
  dataDate: string | null;
}

export class IpDatabaseError extends ExpectedFailure {
  override name = 'IpDatabaseError';
  constructor(message: string) {
    super('IP_DATABASE_UNREADABLE', message);
  }
}

const PACKAGE_DATA = join(dirname(require.resolve('ip2region/package.json')), 'data');
export const BUNDLED_FILES = { ipv4: join(PACKAGE_DATA, 'ip2region.db'), ipv6: join(PACKAGE_DATA, 'ipv6wry.db') };
/** The IPv6 .db names its version in the record of the last block: "ZX公网IPv6库 20210511版". */
const LAST_IPV6_BLOCK = 'ffff:ffff:ffff:ffff::';
const IPV4_INDEX_ENTRY_BYTES = 12;
const XDB_INDEX_START = HeaderInfoLength + VectorIndexRows * VectorIndexCols * VectorIndexSize;

/** One file's lookup: the place of an address of its family. */
type Search = (ip: string) => IpPlace | Promise<IpPlace>;

interface OpenedFile {
  search: Search;
  described: IpDataFile;
}

/** ip2region's raw .db answers: IPv4 "country|area|province|city|isp"; IPv6 a free text and its network. */
type RawAnswer = { region: string } | { cArea: string; aArea: string } | null;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message.replace(/^\[\w+\]\s*/, '') : String(error);
}

function describeFile(file: string, format: IpDataFile['format'], content: Buffer, dataDate: string | null) {
  const sha256 = createHash('sha256').update(content).digest('hex').slice(0, 16);
  return { file, format, bytes: content.length, sha256, dataDate } satisfies IpDataFile;
}

/**
 * The .xdb header, checked: a structure the binding reads (2, IPv4 only, or 3) of the family expected, with
 * 4-byte pointers (the binding reads no other size) and an index inside the file.
 */
function checkXdb(file: string, content: Buffer, version: Version): Header {
  const notOne = new IpDatabaseError(`${file} is not an ip2region ${version.name} database (.xdb)`);
  if (content.length < XDB_INDEX_START || content.length > 0xffffffff) throw notOne;
  const header = new Header(content.subarray(0, HeaderInfoLength));
  const { startIndexPtr: first, endIndexPtr: last } = header;
  if (versionFromHeader(header) !== version) throw notOne;
  if (header.version === XdbStructure30 && header.runtimePtrBytes !== 4) throw notOne;
  if (first < XDB_INDEX_START || last < first || last + version.indexSize > content.length) throw notOne;
  if ((last - first) % version.indexSize !== 0) throw notOne;
  return header;
}

function openXdb(file: string, version: Version): OpenedFile {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    throw new IpDatabaseError(`cannot open the IP database: ${reasonOf(error)}`);
  }
  const { createdAt } = checkXdb(file, content, version);
  const searcher = newWithBuffer(version, content);
  const search: Search = async (ip) => {
    try {
      return placeOfRegionText(await searcher.search(ip)); // async, whatever its typings say; '' when unlisted
    } catch {
      return UNKNOWN_PLACE;
    }
  };
  const made = createdAt > 0 ? new Date(createdAt * 1000).toISOString().slice(0, 10) : null;
  return { search, described: describeFile(file, 'xdb', content, made) };
}

/** The IPv4 .db has no magic number: its header is two pointers that must frame whole index entries. */
function checkIpv4Db(file: string): void {
  const header = Buffer.alloc(8);
  const descriptor = openSync(file, 'r');
  try {
    readSync(descriptor, header, 0, 8, 0);
  } finally {
    closeSync(descriptor);
  }
  const first = header.readUInt32LE(0);
  const last = header.readUInt32LE(4);
  const size = statSync(file).size;
  if (first < 8 || last < first || last + IPV4_INDEX_ENTRY_BYTES > size || (last - first) % IPV4_INDEX_ENTRY_BYTES) {
    throw new IpDatabaseError(`${file} is not an ip2region IPv4 database (.db, the format of ip2region.db)`);
  }
}

/**
 * The .db files, through the ip2region package, which always needs an IPv4 one (the bundled one when the
 * operator's IPv4 file is an .xdb); without an IPv6 .db it opens none.
 */
function openDb(ipv4: string, ipv6: string | undefined): { ipv4: OpenedFile; ipv6: OpenedFile | undefined } {
  let search: IP2Region;
  try {
    checkIpv4Db(ipv4);
    search = new IP2Region({ ipv4db: ipv4, ipv6db: ipv6, disableIpv6: ipv6 === undefined });
  } catch (error) {
    if (error instanceof IpDatabaseError) throw error;
    throw new IpDatabaseError(`cannot open the IP database: ${reasonOf(error)}`);
  }
  const raw = (ip: string) => {
    try {
      return search.searchRaw(ip, false) as RawAnswer;
    } catch {
      return null; // the library fails on a few odd addresses; an unknown place is the honest answer
    }
  };
  const ipv4Search: Search = (ip) => {
    const answer = raw(ip);
    if (answer === null || !('region' in answer)) return UNKNOWN_PLACE;
    const [country = '', , province = ''] = answer.region.split('|');
    return placeOfNames(country, province);
  };
  const opened = { search: ipv4Search, described: describeFile(ipv4, 'db', readFileSync(ipv4), null) };
  if (ipv6 === undefined) return { ipv4: opened, ipv6: undefined };
  const version = raw(LAST_IPV6_BLOCK);
  const date = version !== null && 'aArea' in version ? /(\d{4})(\d{2})(\d{2})/.exec(version.aArea) : null;
  const ipv6Search: Search = (ip) => {
    const answer = raw(ip);
    return answer !== null && 'cArea' in answer ? placeOfText(answer.cArea) : UNKNOWN_PLACE;
  };
  const ipv6Date = date === null ? null : `${date[1]}-${date[2]}-${date[3]}`;
  return {
    ipv4: opened,
    ipv6: { search: ipv6Search, described: describeFile(ipv6, 'db', readFileSync(ipv6), ipv6Date) },
  };
}

const isXdb = (file: string) => extname(file).toLowerCase() === '.xdb';

export class IpDatabase {
  private constructor(
    private readonly ipv4: Search,
    private readonly ipv6: Search,
    readonly files: { ipv4: IpDataFile; ipv6: IpDataFile },
  ) {}

  /** Opens the files; an unreadable or malformed one is an IpDatabaseError naming it. */
  static open(paths: IpDatabasePaths): IpDatabase {
    const ipv4File = paths.ipv4 ?? BUNDLED_FILES.ipv4;
    const ipv6File = paths.ipv6 ?? BUNDLED_FILES.ipv6;
    const ipv4 = isXdb(ipv4File) ? openXdb(ipv4File, IPv4) : undefined;
    const ipv6 = isXdb(ipv6File) ? openXdb(ipv6File, IPv6) : undefined;
    const db =
      ipv4 === undefined || ipv6 === undefined
        ? openDb(ipv4 === undefined ? ipv4File : BUNDLED_FILES.ipv4, ipv6 === undefined ? ipv6File : undefined)
        : undefined;
    const v4 = ipv4 ?? db!.ipv4;
    const v6 = ipv6 ?? db!.ipv6!;
    return new IpDatabase(v4.search, v6.search, { ipv4: v4.described, ipv6: v6.described });
  }

  /** The place an address is in; unknown for a private, reserved or unlisted one. Throws for no address. */
  async locate(ip: string): Promise<IpPlace> {
    const family = isIP(ip);
    if (family === 0) throw new TypeError('not an IPv4 or IPv6 address');
    if (family === 4) return this.ipv4(ip);
    if (ip.includes('%')) return UNKNOWN_PLACE; // a scoped (link-local) IPv6 address is on the local network
    const inside = embeddedIpv4(ip);
    return inside === undefined ? this.ipv6(ip) : this.ipv4(inside);
  }
}

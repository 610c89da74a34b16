// The offline IP database: ip2region's IPv4 file and its IPv6 file, bundled with the npm package or, fresher,
// from paths the operator gives. The files are read once, when it opens; a lookup is in memory (a few µs)
// and never stores, logs or returns the address: only the place's codes come out.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import IP2Region from 'ip2region';
import { ExpectedFailure } from '../errors';
import { placeOfNames, placeOfText, UNKNOWN_PLACE, type IpPlace } from './place';

/** Where the files are; undefined: the ones the ip2region package ships. */
export interface IpDatabasePaths {
  ipv4: string | undefined;
  ipv6: string | undefined;
}

/** What was loaded, for the start-up log: which file, how big, its digest, and the data's date when it says. */
export interface IpDataFile {
  file: string;
  bytes: number;
  sha256: string;
  /** YYYY-MM-DD, or null when the file does not carry it (ip2region's IPv4 format does not). */
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
/** The IPv6 file names its version in the record of the last block: "ZX公网IPv6库 20210511版". */
const LAST_IPV6_BLOCK = 'ffff:ffff:ffff:ffff::';
const IPV4_INDEX_ENTRY_BYTES = 12;

/** ip2region's raw answers: IPv4 "country|area|province|city|isp"; IPv6 a free text and its network. */
type RawAnswer = { region: string } | { cArea: string; aArea: string } | null;

/** The IPv4 format has no magic number: its header is two pointers that must frame whole index entries. */
function checkIpv4Header(file: string): void {
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

function describeFile(file: string, dataDate: string | null): IpDataFile {
  const content = readFileSync(file);
  const sha256 = createHash('sha256').update(content).digest('hex').slice(0, 16);
  return { file, bytes: content.length, sha256, dataDate };
}

export class IpDatabase {
  private constructor(
    private readonly search: IP2Region,
    readonly files: { ipv4: IpDataFile; ipv6: IpDataFile },
  ) {}

  /** Opens the files; an unreadable or malformed one is an IpDatabaseError naming it. */
  static open(paths: IpDatabasePaths): IpDatabase {
    const ipv4 = paths.ipv4 ?? BUNDLED_FILES.ipv4;
    const ipv6 = paths.ipv6 ?? BUNDLED_FILES.ipv6;
    let search: IP2Region;
    try {
      checkIpv4Header(ipv4);
      search = new IP2Region({ ipv4db: ipv4, ipv6db: ipv6 });
    } catch (error) {
      if (error instanceof IpDatabaseError) throw error;
      const reason = error instanceof Error ? error.message.replace(/^\[\w+\]\s*/, '') : String(error);
      throw new IpDatabaseError(`cannot open the IP database: ${reason}`);
    }
    const version = search.searchRaw(LAST_IPV6_BLOCK, false) as RawAnswer;
    const date = version !== null && 'aArea' in version ? /(\d{4})(\d{2})(\d{2})/.exec(version.aArea) : null;
    const ipv6Date = date === null ? null : `${date[1]}-${date[2]}-${date[3]}`;
    return new IpDatabase(search, { ipv4: describeFile(ipv4, null), ipv6: describeFile(ipv6, ipv6Date) });
  }

  /** The place an address is in; unknown for a private, reserved or unlisted one. Throws for no address. */
  locate(ip: string): IpPlace {
    if (isIP(ip) === 0) throw new TypeError('not an IPv4 or IPv6 address');
    if (ip.includes('%')) return UNKNOWN_PLACE; // a scoped (link-local) IPv6 address is on the local network
    let answer: RawAnswer;
    try {
      answer = this.search.searchRaw(ip, false) as RawAnswer;
    } catch {
      return UNKNOWN_PLACE; // the library fails on a few odd addresses; an unknown place is the honest answer
    }
    if (answer === null) return UNKNOWN_PLACE;
    if ('region' in answer) {
      const [country = '', , province = ''] = answer.region.split('|');
      return placeOfNames(country, province);
    }
    return placeOfText(answer.cArea);
  }
}

// Resolution: an address to the codes that are stored, from the IP database the ip2region package ships.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import IP2Region from 'ip2region';
import { BUNDLED_FILES, IpDatabase, IpDatabaseError } from '../../../src/ip-location/ip-database';
import { ipLocationLabel } from '../../../src/ip-location/label';
import { placeOfNames, placeOfText } from '../../../src/ip-location/place';

const database = IpDatabase.open({ ipv4: undefined, ipv6: undefined });
const place = (ip: string) => database.locate(ip);

describe('IPv4, the addresses of the issue', () => {
  it.each([
    ['223.5.5.5', 'CN', 'CN-ZJ', '浙江'],
    ['114.114.114.114', 'CN', 'CN-JS', '江苏'],
    ['180.76.76.76', 'CN', 'CN-BJ', '北京'],
    ['202.96.128.86', 'CN', 'CN-GD', '广东'],
    ['203.198.7.66', 'HK', null, '中国香港'],
    ['60.246.0.1', 'MO', null, '中国澳门'],
    ['61.220.0.1', 'TW', null, '中国台湾'],
    ['8.8.8.8', 'US', null, '美国'],
    ['81.2.69.142', 'GB', null, '英国'],
  ])('%s is %s %s, printed "%s"', async (ip, countryCode, regionCode, label) => {
    expect(await place(ip)).toEqual({ countryCode, regionCode });
    expect(ipLocationLabel(await place(ip), 'zh')).toBe(label);
  });

  it.each(['192.168.1.1', '10.0.0.1', '127.0.0.1', '100.64.0.1', '0.0.0.0', '255.255.255.255'])(
    'the private or reserved %s is unknown: null codes, printed 未知',
    async (ip) => {
      expect(await place(ip)).toEqual({ countryCode: null, regionCode: null });
      expect(ipLocationLabel(await place(ip), 'zh')).toBe('未知');
    },
  );

  it('a continent the database gives instead of a country (5.255.255.5: 欧洲) is unknown', async () => {
    expect(await place('5.255.255.5')).toEqual({ countryCode: null, regionCode: null });
  });
});

describe('IPv6', () => {
  it.each([
    ['2400:3200::1', 'CN', 'CN-ZJ'], // Alibaba's public DNS
    ['240e:1::1', 'CN', 'CN-HL'], // China Telecom
    ['2409:8000::1', 'CN', 'CN-BJ'], // China Mobile
    ['2001:da8::1', 'CN', 'CN-BJ'], // CERNET2
    ['2a00:1450:4001::1', 'DE', null],
    ['::ffff:223.5.5.5', 'CN', 'CN-ZJ'], // IPv4-mapped: looked up as IPv4
    ['2002:df05:0505::1', 'CN', 'CN-ZJ'], // 6to4 of 223.5.5.5
  ])('%s is %s %s', async (ip, countryCode, regionCode) => {
    expect(await place(ip)).toEqual({ countryCode, regionCode });
  });

  it.each(['::1', '::', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'ff02::1', '2001:db8::1', '2001:4860:4860::8888'])(
    '%s (loopback, link-local, private, multicast, documentation, anycast "全球") is unknown',
    async (ip) => {
      expect(await place(ip)).toEqual({ countryCode: null, regionCode: null });
    },
  );
});

it.each(['', 'not an ip', '1.2.3', '010.1.1.1', ' 8.8.8.8', '1::2::3', '223.5.5.5/24'])(
  'refuses %j, which is not an address, without naming it',
  async (value) => {
    await expect(place(value)).rejects.toThrow(new TypeError('not an IPv4 or IPv6 address'));
  },
);

it('never throws and only ever answers assigned codes, for any IPv4 or IPv6 address', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.ipV4(), fc.ipV6()), async (ip) => {
      const { countryCode, regionCode } = await place(ip);
      if (countryCode !== null) expect(countryCode).toMatch(/^[A-Z]{2}$/);
      if (regionCode !== null) expect(countryCode).toBe('CN');
    }),
    { numRuns: 5000 },
  );
});

/** Every record of the bundled IPv4 file: the country and province names it uses. */
function bundledIpv4Names(): { countries: Set<string>; chineseProvinces: Set<string> } {
  const data = readFileSync(BUNDLED_FILES.ipv4);
  const first = data.readUInt32LE(0);
  const last = data.readUInt32LE(4);
  const countries = new Set<string>();
  const chineseProvinces = new Set<string>();
  for (let entry = first; entry <= last; entry += 12) {
    const pointer = data.readUInt32LE(entry + 8);
    const start = (pointer & 0xffffff) + 4;
    const [country = '', , province = ''] = data
      .toString('utf8', start, (pointer & 0xffffff) + (pointer >>> 24))
      .split('|');
    countries.add(country);
    if (country === '中国') chineseProvinces.add(province);
  }
  return { countries, chineseProvinces };
}

describe('the bundled IPv4 data', () => {
  const { countries, chineseProvinces } = bundledIpv4Names();
  /** Not countries: continents, a dissolved one (Netherlands Antilles), and "0" for none. */
  const NOT_COUNTRIES = ['0', '欧洲', '北美地区', '非洲地区', '亚太地区', '安的列斯'];

  it('maps every country name it uses to a code, except continents and regions', () => {
    const unmapped = [...countries].filter((name) => placeOfNames(name, '').countryCode === null);
    expect(unmapped.sort()).toEqual([...NOT_COUNTRIES].sort());
  });

  it('maps every Chinese province name it uses to a mainland province or Hong Kong, Macau, Taiwan', () => {
    const unmapped = [...chineseProvinces].filter((province) => {
      const { countryCode, regionCode } = placeOfNames('中国', province);
      return countryCode === 'CN' && regionCode === null;
    });
    expect(unmapped).toEqual(['0']); // "0": the database knows only the country
  });
});

/** The text of the first address of every block of the bundled IPv6 file that is not IPv4 in disguise. */
function bundledIpv6Texts(): Set<string> {
  const data = readFileSync(BUNDLED_FILES.ipv6);
  const offsetBytes = data.readInt8(6);
  const blocks = Number(data.readBigInt64LE(8));
  const indexStart = Number(data.readBigInt64LE(16));
  const search = new IP2Region({ ipv4db: BUNDLED_FILES.ipv4, ipv6db: BUNDLED_FILES.ipv6 });
  const texts = new Set<string>();
  for (let block = 0; block < blocks; block++) {
    const upper = data
      .readBigUInt64LE(indexStart + block * (8 + offsetBytes))
      .toString(16)
      .padStart(16, '0');
    const ip = `${upper.match(/.{4}/g)!.join(':')}::`;
    const answer = search.searchRaw(ip, false) as { cArea?: string } | null;
    if (answer?.cArea !== undefined) texts.add(answer.cArea);
  }
  return texts;
}

it('maps every IPv6 place text that begins with a country, and leaves regions (亚太地区, 全球…) unknown', () => {
  const unknown = new Set<string>();
  for (const text of bundledIpv6Texts()) {
    const { countryCode } = placeOfText(text);
    if (countryCode === null) unknown.add(text);
  }
  for (const text of unknown) expect(text).toMatch(/^$|地区$|^全球$|^IANA|^局域网$|^非洲$|^欧洲$|^大中华区$/);
  expect(placeOfText('中国浙江省杭州市')).toEqual({ countryCode: 'CN', regionCode: 'CN-ZJ' });
  expect(placeOfText('中国广西区南宁市')).toEqual({ countryCode: 'CN', regionCode: 'CN-GX' });
  expect(placeOfText('中国香港区')).toEqual({ countryCode: 'HK', regionCode: null });
  expect(placeOfText('德国Hessen州FrankfurtAmMain')).toEqual({ countryCode: 'DE', regionCode: null });
});

describe('loading a fresher file (IP_DATABASE_PATH and friends)', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'ip-database-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('loads files of the same format from other paths and says which, with a digest and the IPv6 date', async () => {
    const ipv4 = join(directory, 'ip2region.db');
    const ipv6 = join(directory, 'ipv6wry.db');
    writeFileSync(ipv4, readFileSync(BUNDLED_FILES.ipv4));
    writeFileSync(ipv6, readFileSync(BUNDLED_FILES.ipv6));
    const fresher = IpDatabase.open({ ipv4, ipv6 });
    expect(await fresher.locate('223.5.5.5')).toEqual({ countryCode: 'CN', regionCode: 'CN-ZJ' });
    expect(fresher.files.ipv4).toEqual({
      file: ipv4,
      format: 'db',
      bytes: 8733094,
      sha256: database.files.ipv4.sha256,
      dataDate: null,
    });
    expect(fresher.files.ipv6).toMatchObject({ file: ipv6, dataDate: '2021-05-11' });
  });

  it('refuses a missing file, naming it', () => {
    const missing = join(directory, 'missing.db');
    expect(() => IpDatabase.open({ ipv4: missing, ipv6: undefined })).toThrow(IpDatabaseError);
    expect(() => IpDatabase.open({ ipv4: missing, ipv6: undefined })).toThrow(missing);
  });

  it('refuses a file that is not in the format, naming it', () => {
    const garbage = join(directory, 'garbage.db');
    writeFileSync(garbage, Buffer.from('this is not an ip2region database at all, only text'));
    expect(() => IpDatabase.open({ ipv4: garbage, ipv6: undefined })).toThrow(
      `${garbage} is not an ip2region IPv4 database`,
    );
    expect(() => IpDatabase.open({ ipv4: undefined, ipv6: garbage })).toThrow(IpDatabaseError);
  });
});

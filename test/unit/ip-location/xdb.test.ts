// Files in ip2region's .xdb format (what upstream publishes now), read through its official binding,
// ip2region.js. That package ships no data, so the files are made here (test/support/xdb-maker.ts): one from
// the bundled IPv4 data, in the older region layout, and two small ones in upstream's current layout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { BUNDLED_FILES, IpDatabase, IpDatabaseError } from '../../../src/ip-location/ip-database';
import { ipLocationLabel } from '../../../src/ip-location/label';
import { makeXdb, segmentsOfIpv4Db, type XdbSegment } from '../../support/xdb-maker';

const MADE = new Date('2025-09-01T00:00:00Z');
let directory: string;
const file = (name: string, content: Buffer) => {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
};
beforeAll(() => (directory = mkdtempSync(join(tmpdir(), 'ip-xdb-'))));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const ISSUE_ADDRESSES = ['223.5.5.5', '114.114.114.114', '180.76.76.76', '203.198.7.66', '61.220.0.1', '8.8.8.8'];
const toNumber = (ip: string) => ip.split('.').reduce((bits, part) => bits * 256 + Number(part), 0);
const dotted = (value: number) => [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');

describe('the bundled IPv4 data as an .xdb file (region "Country|Area|Province|City|ISP")', () => {
  // Every 40th segment of the bundled data, and those of the addresses of the issue and of 192.168.1.1.
  const wanted = [...ISSUE_ADDRESSES, '192.168.1.1'].map(toNumber);
  const chosen = segmentsOfIpv4Db(
    BUNDLED_FILES.ipv4,
    (index, first, last) => index % 40 === 0 || wanted.some((ip) => first <= ip && ip <= last),
  );
  const bundled = IpDatabase.open({ ipv4: undefined, ipv6: undefined });
  let xdb: IpDatabase;
  beforeAll(() => {
    xdb = IpDatabase.open({ ipv4: file('ip2region_v4.xdb', makeXdb(4, chosen, MADE)), ipv6: undefined });
  });

  it.each([
    ['223.5.5.5', '浙江'],
    ['114.114.114.114', '江苏'],
    ['180.76.76.76', '北京'],
    ['203.198.7.66', '中国香港'],
    ['61.220.0.1', '中国台湾'],
    ['8.8.8.8', '美国'],
    ['192.168.1.1', '未知'],
    ['::ffff:223.5.5.5', '浙江'], // IPv4 inside IPv6: looked up in the IPv4 .xdb
  ])('%s is printed "%s"', async (ip, label) => {
    expect(ipLocationLabel(await xdb.locate(ip), 'zh')).toBe(label);
  });

  it('places every address of its segments as the .db does', async () => {
    const addressInChosen = fc
      .integer({ min: 0, max: chosen.length - 1 })
      .chain((index) => fc.integer({ min: toNumber(chosen[index]!.first), max: toNumber(chosen[index]!.last) }));
    await fc.assert(
      fc.asyncProperty(addressInChosen, async (value) => {
        expect(await xdb.locate(dotted(value))).toEqual(await bundled.locate(dotted(value)));
      }),
      { numRuns: 3000 },
    );
  });

  it('says it is an .xdb, and the date its header was made', () => {
    expect(xdb.files.ipv4).toMatchObject({ format: 'xdb', dataDate: '2025-09-01' });
    expect(xdb.files.ipv6).toMatchObject({ file: BUNDLED_FILES.ipv6, format: 'db' }); // the bundled IPv6 .db stays
  });
});

describe('upstream’s current layout ("Country|Province|City|ISP|ISO code"), IPv4 and IPv6', () => {
  const ipv4: XdbSegment[] = [
    { first: '8.8.8.0', last: '8.8.8.255', region: 'United States|California|Mountain View|Google LLC|US' },
    { first: '61.220.0.0', last: '61.220.255.255', region: '中国|台湾省|台北市|中华电信|TW' },
    { first: '114.114.114.0', last: '114.114.114.255', region: '中国|江苏省|南京市|0|CN' },
    { first: '180.76.76.0', last: '180.76.76.255', region: '中国|北京市|北京市|百度|CN' },
    { first: '192.168.0.0', last: '192.168.255.255', region: '0|0|0|内网IP|0' },
    { first: '203.198.7.0', last: '203.198.7.255', region: '中国|香港特别行政区|0|电讯盈科|CN' },
    { first: '223.4.0.0', last: '223.6.255.255', region: '中国|浙江省|杭州市|阿里云|CN' },
  ];
  const ipv6: XdbSegment[] = [
    { first: '2400:3200::', last: '2400:3200:ffff:ffff:ffff:ffff:ffff:ffff', region: '中国|浙江省|杭州市|阿里云|CN' },
    { first: '2a00:1450::', last: '2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff', region: 'Germany|Hesse|Frankfurt|0|DE' },
    { first: 'ff00::', last: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', region: 'Reserved|0|0|0|0' },
  ];
  let database: IpDatabase;
  beforeAll(() => {
    database = IpDatabase.open({
      ipv4: file('current_v4.xdb', makeXdb(4, ipv4, MADE)),
      ipv6: file('current_v6.xdb', makeXdb(6, ipv6, new Date('2025-10-02T12:00:00Z'))),
    });
  });

  it.each([
    ['223.5.5.5', 'CN', 'CN-ZJ'],
    ['114.114.114.114', 'CN', 'CN-JS'],
    ['180.76.76.76', 'CN', 'CN-BJ'],
    ['203.198.7.66', 'HK', null], // coded CN, and 香港 narrows it
    ['61.220.0.1', 'TW', null], // coded TW
    ['8.8.8.8', 'US', null], // English names elsewhere: the code says the country
    ['192.168.1.1', null, null],
    ['1.1.1.1', null, null], // in no segment
    ['2400:3200::1', 'CN', 'CN-ZJ'],
    ['2a00:1450:4001::1', 'DE', null],
    ['ff02::1', null, null],
    ['2001:db8::1', null, null], // in no segment
    ['2002:df05:0505::1', 'CN', 'CN-ZJ'], // 6to4 of 223.5.5.5: the IPv4 .xdb
    ['2001:0:4136:e378:8000:63bf:20fa:faf9', 'CN', 'CN-ZJ'], // Teredo, client 223.5.5.6 inverted
    ['fe80::5efe:df05:505', 'CN', 'CN-ZJ'], // ISATAP of 223.5.5.5
  ])('%s is %s %s', async (ip, countryCode, regionCode) => {
    expect(await database.locate(ip)).toEqual({ countryCode, regionCode });
  });

  it('says which files, their format and the dates their headers were made', () => {
    expect(database.files.ipv4).toMatchObject({ format: 'xdb', dataDate: '2025-09-01' });
    expect(database.files.ipv6).toMatchObject({ format: 'xdb', dataDate: '2025-10-02' });
  });

  it('refuses an .xdb of the other family, naming it', () => {
    const v6 = join(directory, 'current_v6.xdb');
    expect(() => IpDatabase.open({ ipv4: v6, ipv6: undefined })).toThrow(
      new IpDatabaseError(`${v6} is not an ip2region IPv4 database (.xdb)`),
    );
  });
});

describe('a file named .xdb that is not one', () => {
  it.each([
    ['text', Buffer.from('not an xdb file at all')],
    [
      'an .xdb whose index points past its end',
      makeXdb(4, [{ first: '1.0.0.0', last: '1.0.0.255', region: 'x' }], MADE).subarray(0, -7),
    ],
    [
      'an .xdb of structure 4',
      (() => {
        const content = makeXdb(4, [{ first: '1.0.0.0', last: '1.0.0.255', region: 'x' }], MADE);
        content.writeUInt16LE(4, 0);
        return content;
      })(),
    ],
  ])('%s is refused at open, naming the file', (name, content) => {
    const path = file(`${name.replace(/\W+/g, '-')}.xdb`, content);
    expect(() => IpDatabase.open({ ipv4: path, ipv6: undefined })).toThrow(
      new IpDatabaseError(`${path} is not an ip2region IPv4 database (.xdb)`),
    );
  });

  it('a missing one is refused, naming it', () => {
    const missing = join(directory, 'missing.xdb');
    expect(() => IpDatabase.open({ ipv4: undefined, ipv6: missing })).toThrow(IpDatabaseError);
    expect(() => IpDatabase.open({ ipv4: undefined, ipv6: missing })).toThrow(missing);
  });
});

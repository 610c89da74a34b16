// POST /ip-locations on upstream's .xdb data: IP_DATABASE_PATH names a folder holding ip2region_v4.xdb and
// ip2region_v6.xdb (made here: the official binding ships no data), and the service says at start which
// files it reads, of what format, made when.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aLocationRecord, postIpLocations, postLocationRows, WRITER_SECRET } from '../../support/ip-locations';
import { useTestServer } from '../../support/server';
import { onTeardown } from '../../support/teardown';
import { makeXdb } from '../../support/xdb-maker';

const MADE = new Date('2025-09-01T00:00:00Z');
const folder = mkdtempSync(join(tmpdir(), 'ip-data-'));
const ipv4 = join(folder, 'ip2region_v4.xdb');
const ipv6 = join(folder, 'ip2region_v6.xdb');
writeFileSync(
  ipv4,
  makeXdb(
    4,
    [
      { first: '8.8.8.0', last: '8.8.8.255', region: 'United States|California|Mountain View|Google LLC|US' },
      { first: '223.4.0.0', last: '223.6.255.255', region: '中国|浙江省|杭州市|阿里云|CN' },
    ],
    MADE,
  ),
);
writeFileSync(
  ipv6,
  makeXdb(
    6,
    [{ first: '240e::', last: '240e:ffff:ffff:ffff:ffff:ffff:ffff:ffff', region: '中国|广东省|0|电信|CN' }],
    MADE,
  ),
);
onTeardown(async () => rmSync(folder, { recursive: true, force: true }));

const logLines: string[] = [];
const server = useTestServer({
  env: { IP_LOCATION_WRITER_SECRET: WRITER_SECRET, IP_DATABASE_PATH: folder },
  now: new Date('2026-11-25T12:00:00Z'),
  logLines,
});

it('locates each post from the .xdb files', async () => {
  const records = [
    aLocationRecord({ postId: 'p-zj', userId: 'u-1', ip: '223.5.5.5' }),
    aLocationRecord({ postId: 'p-us', userId: 'u-2', ip: '8.8.8.8' }),
    aLocationRecord({ postId: 'p-gd', userId: 'u-3', ip: '240e:1::1' }), // the bundled IPv6 .db says 黑龙江
  ];
  expect(await postIpLocations(server, { records })).toMatchObject({ status: 200, body: { stored: 3 } });
  const rows = await postLocationRows(server.app.dataSource);
  expect(rows.map((row) => [row.post_id, row.country_code, row.region_code])).toEqual([
    ['p-gd', 'CN', 'CN-GD'],
    ['p-us', 'US', null],
    ['p-zj', 'CN', 'CN-ZJ'],
  ]);
});

it('says at start, in one line, which files it reads, their format and when their headers say they were made', () => {
  const loaded = logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'IP database loaded');
  expect(loaded).toEqual([
    expect.objectContaining({
      ipv4: {
        file: ipv4,
        format: 'xdb',
        bytes: expect.any(Number),
        sha256: expect.any(String),
        dataDate: '2025-09-01',
      },
      ipv6: {
        file: ipv6,
        format: 'xdb',
        bytes: expect.any(Number),
        sha256: expect.any(String),
        dataDate: '2025-09-01',
      },
    }),
  ]);
});

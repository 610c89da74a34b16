// `identity-labels ip-locations import` as an operator runs it: real files, MySQL, a separate process.
import { runCli } from '../../support/cli';
import { useCommandDatabase } from '../../support/command-database';
import { everyStoredValue, postLocationRows, userLocationRows } from '../../support/ip-locations';

const command = useCommandDatabase();

async function clearTables() {
  await command.dataSource.query('DELETE FROM post_ip_locations');
  await command.dataSource.query('DELETE FROM user_ip_locations');
}

it('a CSV backfill is stored, counted, and a second run changes nothing', async () => {
  await clearTables();
  const path = command.file(
    'posts.csv',
    'postId,userId,ip,at\n' +
      'b-1,u-1,223.5.5.5,2025-01-01T08:00:00+08:00\n' +
      'b-2,u-1,8.8.8.8,2025-02-01T00:00:00Z\n' +
      'b-3,u-2,2400:3200::1,2025-03-01T00:00:00Z\n',
  );
  const first = await runCli(['ip-locations', 'import', path], command.env);
  expect(first.code).toBe(0);
  expect(first.stdout).toBe(`${path}: 3 stored, 0 unchanged (post already located), 0 rejected\n`);
  expect(first.stderr).toMatch(
    /^ip database: ipv4 \S+ip2region\.db \(sha256 [0-9a-f]{16}, data undated\); ipv6 \S+ipv6wry\.db \(sha256 [0-9a-f]{16}, data 2021-05-11\)\n$/,
  );
  const rows = await postLocationRows(command.dataSource);
  expect(rows.map((row) => [row.post_id, row.country_code, row.region_code])).toEqual([
    ['b-1', 'CN', 'CN-ZJ'],
    ['b-2', 'US', null],
    ['b-3', 'CN', 'CN-ZJ'],
  ]);
  expect((await userLocationRows(command.dataSource)).map((row) => [row.user_id, row.post_id])).toEqual([
    ['u-1', 'b-2'],
    ['u-2', 'b-3'],
  ]);

  const second = await runCli(['ip-locations', 'import', path], command.env);
  expect(second.stdout).toBe(`${path}: 3 stored, 0 unchanged (post already located), 0 rejected\n`);
  expect(await postLocationRows(command.dataSource)).toEqual(rows);
});

it('NDJSON from standard input; bad lines are reported by number, without their address, and the good ones stored', async () => {
  await clearTables();
  const lines = [
    '{"postId":"n-1","userId":"u-1","ip":"114.114.114.114","at":"2025-01-01T00:00:00Z"}',
    '{"postId":"n-2","userId":"u-1","ip":"114.114.114.999","at":"2025-01-01T00:00:00Z"}',
    '',
    '{"postId":"n-3","userId":"u-1","at":"2025-01-01T00:00:00Z"}',
    '{"postId":"n-4","userId":"u-1","ip":"61.220.0.1","at":"yesterday"}',
    '{"postId":"n-5","userId":"u-1","ip":"61.220.0.1"',
    '{"postId":"n-1","userId":"u-9","ip":"8.8.8.8","at":"2025-01-01T00:00:00Z"}',
    '{"postId":"n-6","userId":"u-2","ip":"61.220.0.1","at":"2025-01-02T00:00:00Z","city":"Taipei"}',
    '{"postId":"n-7","userId":"u-2","203.0.113.99":"61.220.0.1","at":"2025-01-02T00:00:00Z"}',
  ];
  const result = await runCli(['ip-locations', 'import', '-'], command.env, { stdin: `${lines.join('\n')}\n` });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('stdin: 1 stored, 0 unchanged (post already located), 7 rejected\n');
  expect(result.stderr.split('\n').slice(1)).toEqual([
    'stdin:2: ip is not an IPv4 or IPv6 address',
    'stdin:4: ip is missing',
    'stdin:5: at must be an ISO 8601 date-time with a time zone, such as 2026-11-25T10:00:00Z',
    'stdin:6: not valid JSON',
    'stdin:8: unknown field at position 5 of 5; expected postId, userId, ip, at',
    'stdin:9: unknown field at position 3 of 4; expected postId, userId, ip, at',
    'stdin:7: postId is already recorded for another userId',
    '',
  ]);
  for (const ip of ['114.114.114', '61.220.0.1', '8.8.8.8', '203.0.113'])
    expect(result.stderr + result.stdout).not.toContain(ip);
  expect((await postLocationRows(command.dataSource)).map((row) => row.post_id)).toEqual(['n-1']);
});

it('a CSV header that does not name the four fields is refused before anything is stored', async () => {
  await clearTables();
  const path = command.file('wrong.csv', 'postId,userId,address,at\nx-1,u-1,223.5.5.5,2025-01-01T00:00:00Z\n');
  const result = await runCli(['ip-locations', 'import', path], command.env);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    'the first line must be a header naming postId, userId, ip, at and only postId, userId, ip, at; column 3 of 4 is not a field',
  );
  expect(await postLocationRows(command.dataSource)).toEqual([]);
});

it('a fresher database from IP_DATABASE_V4_PATH that is not one is refused, naming the file', async () => {
  const path = command.file('posts2.csv', 'postId,userId,ip,at\nz-1,u-1,223.5.5.5,2025-01-01T00:00:00Z\n');
  const garbage = command.file('broken.db', 'not an ip database');
  const result = await runCli(['ip-locations', 'import', path], { ...command.env, IP_DATABASE_V4_PATH: garbage });
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    `identity-labels: ${garbage} is not an ip2region IPv4 database (.db, the format of ip2region.db)\n`,
  );
});

it('stores no address anywhere in the database', async () => {
  const stored = await everyStoredValue(command.dataSource);
  for (const ip of ['223.5.5.5', '8.8.8.8', '2400:3200::1', '114.114.114.114', '61.220.0.1']) {
    expect(stored).not.toContain(ip);
  }
});

it('a missing file is found before any file is imported: one clean line, exit code 1, nothing stored', async () => {
  await clearTables();
  const good = command.file('first.csv', 'postId,userId,ip,at\np-first,u-first,223.5.5.5,2026-01-01T00:00:00Z\n');
  const result = await runCli(['ip-locations', 'import', good, `${command.folder}/missing.csv`], command.env);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^ip database: .*\nidentity-labels: cannot read .*missing\.csv: no such file\n$/);
  expect(await postLocationRows(command.dataSource)).toEqual([]);
});

it('a line over 1 MiB after 1,500 good ones: says how far it got, and running it again finishes the job', async () => {
  await clearTables();
  const lines = ['postId,userId,ip,at'];
  for (let n = 1; n <= 1500; n += 1) lines.push(`p-long-${n},u-long,223.5.5.5,2026-01-01T00:00:00Z`);
  lines.push(`p-huge,u-long,${'9'.repeat(1024 * 1024 + 10)},2026-01-01T00:00:00Z`);
  const path = command.file('long.csv', `${lines.join('\n')}\n`);
  const result = await runCli(['ip-locations', 'import', '--batch-size', '1000', path], command.env);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe(
    `${path}: 1,000 stored, 0 unchanged (post already located), 0 rejected (stopped after line 1001)\n`,
  );
  expect(result.stderr).toContain(`${path}: lines 1-1001 are stored, nothing after line 1001 is`);
  expect(await postLocationRows(command.dataSource)).toHaveLength(1000);
});

// `identity-labels qualifications import` as an operator runs it: real files, MySQL, a separate process; with
// the account import's guarantees (line errors without values, every file checked first, progress, an
// interrupted import finished by running it again), and every change audited.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  emptyProfessionalCounts,
  importProfessionalLabels,
  readProfessionalLines,
} from '../../../src/import/import-professional';
import { runCli } from '../../support/cli';
import { useCommandDatabase } from '../../support/command-database';
import { REPOSITORY_ROOT } from '../../support/paths';
import { labelChangeRows } from '../../support/professional';

const command = useCommandDatabase();

async function clearTables() {
  for (const table of ['qualifications', 'mcn_agencies', 'label_changes']) {
    await command.dataSource.query(`DELETE FROM ${table}`);
  }
}

async function qualificationRows() {
  return (await command.dataSource.query(
    'SELECT user_id, field, title, issuer, verified_at, expires_at FROM qualifications ORDER BY user_id, field, title',
  )) as {
    user_id: string;
    field: string;
    title: string;
    issuer: string | null;
    verified_at: Date;
    expires_at: Date | null;
  }[];
}

async function agencyRows() {
  return (await command.dataSource.query('SELECT user_id, name, since FROM mcn_agencies ORDER BY user_id')) as {
    user_id: string;
    name: string;
    since: Date;
  }[];
}

const CSV =
  'userId,field,title,issuer,verifiedAt,expiresAt,revoked,mcnAgency,since\n' +
  'u-1,MEDICAL,执业医师,国家卫生健康委员会,2025-01-01T08:00:00+08:00,2030-01-01T00:00:00Z,,,\n' +
  'u-2,LAW,律师执业证,,2024-05-01T00:00:00Z,,,,\n' +
  'u-2,,,,,,,星河文化传媒,2026-01-01T00:00:00Z\n' +
  'u-3,FINANCE,"证券从业资格, 一般从业",中国证券业协会,2024-01-01T00:00:00Z,2025-01-01T00:00:00Z,,,\n';

it('a CSV of credentials and an MCN agency is stored, counted and audited; a second run changes nothing', async () => {
  await clearTables();
  const path = command.file('labels.csv', CSV);
  const first = await runCli(['qualifications', 'import', path], command.env);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toBe(
    `${path}: 3 granted, 0 renewed, 0 revoked, 1 joined an MCN agency, 0 left one, 0 unchanged, 0 rejected\n`,
  );
  expect(await qualificationRows()).toEqual([
    {
      user_id: 'u-1',
      field: 'MEDICAL',
      title: '执业医师',
      issuer: '国家卫生健康委员会',
      verified_at: new Date('2025-01-01T00:00:00Z'),
      expires_at: new Date('2030-01-01T00:00:00Z'),
    },
    {
      user_id: 'u-2',
      field: 'LAW',
      title: '律师执业证',
      issuer: null,
      verified_at: new Date('2024-05-01T00:00:00Z'),
      expires_at: null,
    },
    {
      // Stored though expired: the owner sees it, the profile does not.
      user_id: 'u-3',
      field: 'FINANCE',
      title: '证券从业资格, 一般从业',
      issuer: '中国证券业协会',
      verified_at: new Date('2024-01-01T00:00:00Z'),
      expires_at: new Date('2025-01-01T00:00:00Z'),
    },
  ]);
  expect(await agencyRows()).toEqual([
    { user_id: 'u-2', name: '星河文化传媒', since: new Date('2026-01-01T00:00:00Z') },
  ]);
  expect((await labelChangeRows(command.dataSource)).map((row) => [row.user_id, row.event, row.cause])).toEqual([
    ['u-1', 'QUALIFICATION_GRANTED', `import ${path}:2`],
    ['u-2', 'QUALIFICATION_GRANTED', `import ${path}:3`],
    ['u-3', 'QUALIFICATION_GRANTED', `import ${path}:5`],
    ['u-2', 'MCN_JOINED', `import ${path}:4`],
  ]);

  const second = await runCli(['qualifications', 'import', path], command.env);
  expect(second.stdout).toBe(
    `${path}: 0 granted, 0 renewed, 0 revoked, 0 joined an MCN agency, 0 left one, 4 unchanged, 0 rejected\n`,
  );
  expect(await labelChangeRows(command.dataSource)).toHaveLength(4);
});

it('NDJSON renews, updates and revokes credentials and moves and ends an MCN agency, each audited', async () => {
  await clearTables();
  await runCli(['qualifications', 'import', command.file('before.csv', CSV)], command.env);
  const lines = [
    '{"userId":"u-1","field":"MEDICAL","title":"执业医师","issuer":"国家卫生健康委员会","verifiedAt":"2026-01-01T00:00:00Z","expiresAt":"2031-01-01T00:00:00Z"}',
    '{"userId":"u-2","field":"LAW","title":"律师执业证","revoked":true}',
    '{"userId":"u-3","field":"FINANCE","title":"证券从业资格, 一般从业","issuer":"证监会","verifiedAt":"2024-01-01T00:00:00Z","expiresAt":"2025-01-01T00:00:00Z"}',
    '{"userId":"u-2","mcnAgency":"青禾MCN"}',
    '{"userId":"u-9","field":"LAW","title":"律师执业证","revoked":true}',
  ];
  const result = await runCli(['qualifications', 'import', '-'], command.env, { stdin: `${lines.join('\n')}\n` });
  expect(result.stdout).toBe(
    'stdin: 0 granted, 1 renewed, 1 updated (another issuer), 1 revoked, 1 joined an MCN agency, 0 left one, 1 unchanged, 0 rejected\n',
  );
  expect((await qualificationRows()).map((row) => [row.user_id, row.issuer, row.expires_at])).toEqual([
    ['u-1', '国家卫生健康委员会', new Date('2031-01-01T00:00:00Z')],
    ['u-3', '证监会', new Date('2025-01-01T00:00:00Z')],
  ]);
  expect((await agencyRows()).map((row) => [row.user_id, row.name])).toEqual([['u-2', '青禾MCN']]);
  const events = (await labelChangeRows(command.dataSource)).slice(4);
  expect(events.map((row) => [row.user_id, row.event, row.title ?? row.agency])).toEqual([
    ['u-1', 'QUALIFICATION_RENEWED', '执业医师'],
    ['u-2', 'QUALIFICATION_REVOKED', '律师执业证'],
    ['u-3', 'QUALIFICATION_UPDATED', '证券从业资格, 一般从业'],
    ['u-2', 'MCN_LEFT', '星河文化传媒'],
    ['u-2', 'MCN_JOINED', '青禾MCN'],
  ]);

  const leaving = await runCli(
    ['qualifications', 'import', command.file('leave.csv', 'userId,mcnAgency\nu-2,\n')],
    command.env,
  );
  expect(leaving.stdout).toMatch(/: 0 granted, 0 renewed, 0 revoked, 0 joined an MCN agency, 1 left one, 0 unchanged/);
  expect(await agencyRows()).toEqual([]);
  expect((await labelChangeRows(command.dataSource)).at(-1)).toMatchObject({ event: 'MCN_LEFT', agency: '青禾MCN' });
});

it('bad lines are reported by number and reason, never with their values; the good ones are stored', async () => {
  await clearTables();
  const secret = '张三丰的私人备注';
  const lines = [
    '{"userId":"g-1","field":"EDUCATION","title":"教师资格证","verifiedAt":"2025-01-01T00:00:00Z"}',
    `{"userId":"g-2","field":"${secret}","title":"教师资格证","verifiedAt":"2025-01-01T00:00:00Z"}`,
    `{"userId":"g-3","field":"LAW","title":"律师执业证","verifiedAt":"2025-02-30T00:00:00Z"}`,
    `{"userId":"g-4","field":"LAW","title":"律师执业证","verifiedAt":"2025-01-01T00:00:00Z","note":"${secret}"}`,
    `{"userId":"g-5","mcnAgency":"${secret}\u202e"}`,
    '{"userId":"g-6","field":"LAW","title":"律师执业证","verifiedAt":"2099-01-01T00:00:00Z"}',
    '{"userId":"g-7"',
  ];
  const result = await runCli(['qualifications', 'import', '-'], command.env, { stdin: `${lines.join('\n')}\n` });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe(
    'stdin: 1 granted, 0 renewed, 0 revoked, 0 joined an MCN agency, 0 left one, 0 unchanged, 6 rejected\n',
  );
  expect(result.stderr.split('\n')).toEqual([
    'stdin:2: field must be one of FINANCE, EDUCATION, MEDICAL, LAW',
    'stdin:3: verifiedAt must be an ISO 8601 date-time with a time zone, such as 2026-11-25T10:00:00+08:00',
    'stdin:4: unknown field: key 5 of 5 (fields are userId, field, title, issuer, verifiedAt, expiresAt, revoked, mcnAgency, since)',
    'stdin:5: mcnAgency contains a control, replacement or bidirectional formatting character',
    'stdin:6: verifiedAt is in the future',
    'stdin:7: not valid JSON',
    '',
  ]);
  expect(result.stdout + result.stderr).not.toContain('张三丰');
  expect((await qualificationRows()).map((row) => row.user_id)).toEqual(['g-1']);
});

it('every file is checked before any is read: a missing second file stores nothing of the first', async () => {
  await clearTables();
  const good = command.file('good.csv', CSV);
  const result = await runCli(['qualifications', 'import', good, `${command.folder}/missing.csv`], command.env);
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`identity-labels: cannot read ${command.folder}/missing.csv: no such file\n`);
  expect(await qualificationRows()).toEqual([]);
});

it('a CSV header naming a column that is not a field is refused before anything is stored', async () => {
  await clearTables();
  const path = command.file('wrong.csv', 'userId,field,title,licenceNumber\nu-1,LAW,律师执业证,110101\n');
  const result = await runCli(['qualifications', 'import', path], command.env);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('column 4 of 4 is not a field');
  expect(result.stderr).not.toContain('110101');
  expect(await qualificationRows()).toEqual([]);
});

it('multiple files: a line for each and a total', async () => {
  await clearTables();
  const one = command.file('one.ndjson', '{"userId":"m-1","mcnAgency":"星河文化传媒"}\n');
  const two = command.file('two.ndjson', '{"userId":"m-2","mcnAgency":"星河文化传媒"}\n');
  const result = await runCli(['qualifications', 'import', one, two], command.env);
  expect(result.stdout.split('\n').at(-2)).toBe(
    'total: 0 granted, 0 renewed, 0 revoked, 2 joined an MCN agency, 0 left one, 0 unchanged, 0 rejected',
  );
});

it('interrupted after its first batch, it says how far it got, and running it again finishes the job', async () => {
  await clearTables();
  const records = Array.from(
    { length: 25 },
    (_, index) => `{"userId":"r-${index}","field":"MEDICAL","title":"执业医师","verifiedAt":"2025-01-01T00:00:00Z"}`,
  );
  const input = () => Readable.from([`${records.join('\n')}\n`]);
  const interrupt = new AbortController();
  const options = {
    batchSize: 10,
    clock: () => new Date(),
    pseudonymKey: undefined,
    onRejected: () => undefined,
    onProgress: () => interrupt.abort(), // Ctrl-C while the first batch was stored
    signal: interrupt.signal,
  };
  const stopped = await importProfessionalLabels(
    command.dataSource,
    'labels.ndjson',
    readProfessionalLines(input(), 'ndjson', options.clock),
    options,
  );
  expect(stopped).toMatchObject({ interrupted: true, storedThroughLine: 10, counts: { granted: 10 } });
  expect(await qualificationRows()).toHaveLength(10);

  const again = await importProfessionalLabels(
    command.dataSource,
    'labels.ndjson',
    readProfessionalLines(input(), 'ndjson', options.clock),
    { ...options, onProgress: undefined, signal: undefined },
  );
  expect(again).toEqual({
    interrupted: false,
    storedThroughLine: 25,
    counts: { ...emptyProfessionalCounts(), granted: 15, unchanged: 10 },
  });
  expect(await qualificationRows()).toHaveLength(25);
  expect(await labelChangeRows(command.dataSource)).toHaveLength(25);
});

it('the example of docs/professional-labels.md and docs/cli.md prints what they say', async () => {
  await clearTables();
  const page = readFileSync(join(REPOSITORY_ROOT, 'docs', 'professional-labels.md'), 'utf8');
  const example =
    /cat credentials\.csv\n((?:# .*\n)+)identity-labels qualifications import credentials\.csv\n# {3}(.*)\n/.exec(page);
  expect(example).not.toBeNull();
  const csv = example![1]!.replace(/^# /gm, '');
  const path = command.file('credentials.csv', csv);
  const first = await runCli(['qualifications', 'import', path], command.env);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toBe(`${example![2]!.replace('credentials.csv', path)}\n`);
  const cli = readFileSync(join(REPOSITORY_ROOT, 'docs', 'cli.md'), 'utf8');
  const again = [...cli.matchAll(/^# {3}(credentials\.csv: .*)$/gm)].map((match) => match[1]);
  expect(again[0]).toBe(example![2]);
  const second = await runCli(['qualifications', 'import', path], command.env);
  expect(second.stdout).toBe(`${again[1]!.replace('credentials.csv', path)}\n`);
});

// `identity-labels import` as a user runs it: real files, a real MySQL database, a separate process.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { In } from 'typeorm';
import { keyIdOf } from '../../../src/crypto/real-name-cipher';
import { AccountsTable, AuditLogTable } from '../../../src/db/tables';
import { runCli } from '../../support/cli';
import { useCommandDatabase } from '../../support/command-database';
import { storedAccounts, TEST_REAL_NAME_KEYS } from '../../support/real-names';

const command = useCommandDatabase({ REAL_NAME_KEYS: TEST_REAL_NAME_KEYS });

const accounts = () => storedAccounts(command.dataSource);

/** The name columns as stored, by user id. */
async function nameColumns(): Promise<Map<string, { plain: string | null; encrypted: Buffer | null }>> {
  const rows = (await command.dataSource.query('SELECT user_id, real_name, real_name_encrypted FROM accounts')) as {
    user_id: string;
    real_name: string | null;
    real_name_encrypted: Buffer | null;
  }[];
  return new Map(rows.map((row) => [row.user_id, { plain: row.real_name, encrypted: row.real_name_encrypted }]));
}

it('a good CSV file is stored and summarized, and importing it again changes nothing', async () => {
  const path = command.file(
    'good.csv',
    'userId,followerCount,realName,verification,subjectKind,category\n' +
      'csv-a,1200000,Wang Lei,VERIFIED,INDIVIDUAL,finance\n' +
      'csv-b,300,,,,\n' +
      'csv-org,2000000,Daily News Co.,VERIFIED,ORGANIZATION,current-affairs\n',
  );
  const first = await runCli(['import', '--no-notify', path], command.env);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toContain(`${path}: 3 inserted, 0 updated, 0 unchanged, 0 rejected`);
  const stored = await accounts();
  expect(stored.find((account) => account.userId === 'csv-org')).toMatchObject({
    realName: 'Daily News Co.',
    subjectKind: 'ORGANIZATION',
    followerCount: 2_000_000,
    verification: 'VERIFIED',
  });

  const columns = await nameColumns();

  const second = await runCli(['import', '--no-notify', path], command.env);
  expect(second.stdout).toContain(`${path}: 0 inserted, 0 updated, 3 unchanged, 0 rejected`);
  expect(await accounts()).toEqual(stored);
  expect(await nameColumns()).toEqual(columns); // an unchanged name keeps its ciphertext: nothing is rewritten
});

it('stores every name encrypted under the current key, none in plain text', async () => {
  const columns = await nameColumns();
  for (const userId of ['csv-a', 'csv-org']) {
    expect(columns.get(userId)?.plain).toBeNull();
    expect(keyIdOf(columns.get(userId)!.encrypted!)).toBe('test');
    expect(columns.get(userId)!.encrypted!.toString('latin1')).not.toMatch(/Wang Lei|Daily News/);
  }
  expect(columns.get('csv-b')).toEqual({ plain: null, encrypted: null });
});

it('a partial record updates only the fields it carries', async () => {
  const path = command.file('partial.ndjson', '{"userId":"csv-a","followerCount":1300000}\n');
  const result = await runCli(['import', '--no-notify', path], command.env);
  expect(result.stdout).toContain('0 inserted, 1 updated, 0 unchanged, 0 rejected');
  const account = (await accounts()).find((stored) => stored.userId === 'csv-a');
  expect(account).toMatchObject({
    followerCount: 1_300_000,
    realName: 'Wang Lei',
    category: 'finance',
    verification: 'VERIFIED',
  });
});

it('a mixed file reports each bad record with file, line and reason, stores every good one, and exits 1', async () => {
  const path = command.file(
    'mixed.ndjson',
    [
      '{"userId":"mix-1","followerCount":10}',
      '{"userId":"mix-2","followerCount":-4}',
      'this is not json',
      '{"userId":"mix-3","verification":"SOMETIMES","realName":"Hidden Person"}',
      `{"userId":"${'u'.repeat(65)}"}`,
      '{"userId":"mix-4","followerCount":20}',
    ].join('\n'),
  );
  const result = await runCli(['import', '--no-notify', path], command.env);
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toEqual([
    `${path}:2: followerCount must not be negative`,
    `${path}:3: not valid JSON`,
    `${path}:4: verification must be one of VERIFIED, UNVERIFIED, REVOKED`,
    `${path}:5: userId must be 1-64 characters, got 65`,
  ]);
  expect(result.stderr).not.toContain('Hidden Person');
  expect(result.stdout).toContain('2 inserted, 0 updated, 0 unchanged, 4 rejected');
  const ids = (await accounts()).map((account) => account.userId);
  expect(ids).toEqual(expect.arrayContaining(['mix-1', 'mix-4']));
  expect(ids).not.toContain('mix-3');
});

it('reads NDJSON from standard input with "-", and several files with a total', async () => {
  const csv = command.file('more.csv', 'userId,followerCount\nstdin-b,5\n');
  const result = await runCli(['import', '--no-notify', '-', csv], command.env, {
    stdin: '{"userId":"stdin-a","followerCount":7}\n',
  });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('stdin: 1 inserted');
  expect(result.stdout).toContain('total: 2 inserted, 0 updated, 0 unchanged, 0 rejected');
});

it('a file it cannot read is one clear line, no stack trace, and nothing of the other files is imported', async () => {
  const good = command.file('before-missing.csv', 'userId,followerCount\nnot-imported,5\n');
  const missing = join(command.folder, 'missing.csv');
  const result = await runCli(['import', good, missing], command.env);
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`identity-labels: cannot read ${missing}: no such file\n`);
  expect(result.stdout).toBe('');
  expect(await command.dataSource.getRepository(AccountsTable).countBy({ userId: 'not-imported' })).toBe(0);
});

it('a CSV line with more fields than the header is that line’s error, never truncated and stored', async () => {
  const path = command.file(
    'extra-field.csv',
    'userId,followerCount,realName\nu-6001,100,Evening News Media Co., Ltd.\nu-6002,100,"Morning News Co., Ltd."\n',
  );
  const result = await runCli(['import', '--no-notify', path], command.env);
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`${path}:2: malformed CSV: expected 3 fields, got 4 (quote a value that holds a comma)\n`);
  expect(result.stdout).toContain('1 inserted, 0 updated, 0 unchanged, 1 rejected');
  const stored = (await storedAccounts(command.dataSource)).filter(({ userId }) =>
    ['u-6001', 'u-6002'].includes(userId),
  );
  expect(stored.map(({ userId, realName }) => [userId, realName])).toEqual([['u-6002', 'Morning News Co., Ltd.']]);
});

it('never prints a real name: a CSV without its header row, an NDJSON key that is a value', async () => {
  const headerless = command.file('headerless.csv', 'h-1,2400000,Secret Person\nh-2,100,Other Person\n');
  const csv = await runCli(['import', '--no-notify', headerless], command.env);
  expect(csv.code).toBe(1);
  expect(csv.stderr).toMatch(/columns 1, 2, 3 of 3 are not fields \(is the header line missing\?\)/);
  const ndjson = command.file('keys.ndjson', '{"userId":"k-1","Secret Person":true}\n');
  const json = await runCli(['import', '--no-notify', ndjson], command.env);
  expect(json.stderr).toBe(`${ndjson}:1: unknown field: key 2 of 2 is not a field\n`);
  for (const output of [csv.stderr, csv.stdout, json.stderr, json.stdout]) {
    expect(output).not.toMatch(/Secret Person|Other Person|h-1|2400000/);
  }
});

it('stores no altered text: malformed UTF-8, lone surrogates, blanks, controls and bidi overrides are line errors', async () => {
  const path = command.file(
    'text.ndjson',
    Buffer.concat([
      Buffer.from('{"userId":"t-1","realName":"Zh'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('ng"}\n{"userId":"m-'),
      Buffer.from([0xff]),
      Buffer.from('"}\n'),
      Buffer.from(
        [
          '{"userId":"t-2","realName":"Zh\\ud800ng"}',
          '{"userId":"t-3","realName":"   "}',
          '{"userId":"t-4","realName":"Zh\\u0000ng"}',
          '{"userId":"t-5","realName":"Zh\\u202eng"}',
          '{"userId":"t-6","category":"fin\\udc00"}',
          '{"userId":"t-7","realName":"Zhāng Wěi"}',
        ].join('\n'),
      ),
    ]),
  );
  const result = await runCli(['import', '--no-notify', path], command.env);
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toEqual([
    `${path}:1: not valid UTF-8 text`,
    `${path}:2: not valid UTF-8 text`,
    `${path}:3: realName is not well-formed Unicode text`,
    `${path}:4: realName is empty`,
    `${path}:5: realName contains a control, replacement or bidirectional formatting character`,
    `${path}:6: realName contains a control, replacement or bidirectional formatting character`,
    `${path}:7: category is not well-formed Unicode text`,
  ]);
  const stored = (await storedAccounts(command.dataSource)).filter(({ userId }) => /^[tm]-/.test(userId));
  expect(stored.map(({ userId, realName }) => [userId, realName])).toEqual([['t-7', 'Zhāng Wěi']]);
});

it('reads NDJSON with a byte order mark', async () => {
  const path = command.file('bom.ndjson', '\ufeff{"userId":"bom-1","followerCount":3}\n');
  const result = await runCli(['import', '--no-notify', path], command.env);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toContain('1 inserted');
});

it('says what to do with CSV on standard input, a JSON array, or a number written 1.5e6', async () => {
  const csv = await runCli(['import', '--no-notify', '-'], command.env, { stdin: 'userId,followerCount\nin-1,5\n' });
  expect(csv.code).toBe(1);
  expect(csv.stderr).toBe(
    'identity-labels: stdin: this looks like CSV (its first line names userId): import it with --format csv\n',
  );
  const array = command.file('accounts.json', '[\n  {"userId": "arr-1"}\n]\n');
  const json = await runCli(['import', '--no-notify', array], command.env);
  expect(json.stderr).toMatch(/this is a JSON array, and import reads NDJSON: one JSON object a line/);
  const exponent = command.file('exponent.csv', 'userId,followerCount\nexp-1,1.5e6\n');
  expect((await runCli(['import', '--no-notify', exponent], command.env)).stderr).toBe(
    `${exponent}:2: followerCount must be a whole number\n`,
  );
  expect(
    await command.dataSource.getRepository(AccountsTable).countBy({ userId: In(['in-1', 'arr-1', 'exp-1']) }),
  ).toBe(0);
});

it('reports an unclosed quote at the line where it opened', async () => {
  const path = command.file('quote.csv', 'userId,realName\nq-1,Li Si\nq-2,"Wang\nq-3,Zhao Liu\nq-4,Sun Qi\n');
  const result = await runCli(['import', '--no-notify', path], command.env);
  expect(result.stderr).toBe(
    `${path}:3: malformed CSV: a quoted field in the record that starts here is never closed, so lines 3-5 were not imported\n`,
  );
});

it('compares names as text, not ciphertext: the same name is unchanged, another is REAL_NAME_CHANGED', async () => {
  const first = command.file(
    'rename-1.ndjson',
    '{"userId":"rename","realName":"Old Name","verification":"VERIFIED"}\n',
  );
  expect((await runCli(['import', '--no-notify', first], command.env)).stdout).toContain('1 inserted');
  expect((await runCli(['import', '--no-notify', first], command.env)).stdout).toContain('0 updated, 1 unchanged');
  const second = command.file('rename-2.ndjson', '{"userId":"rename","realName":"New Name"}\n');
  expect((await runCli(['import', '--no-notify', second], command.env)).stdout).toContain('1 updated, 0 unchanged');
  const events = await command.dataSource.getRepository(AuditLogTable).find({ where: { userId: 'rename' } });
  expect(events.map((entry) => entry.event)).toEqual(['REAL_NAME_CHANGED']);
  expect((await accounts()).find((account) => account.userId === 'rename')?.realName).toBe('New Name');
});

it('audits what an import changes, never the real name', async () => {
  const path = command.file(
    'audit.ndjson',
    '{"userId":"csv-a","verification":"REVOKED"}\n{"userId":"csv-a","realName":"Wang Lei Jr"}\n',
  );
  await runCli(['import', '--no-notify', path], command.env);
  const entries = await command.dataSource
    .getRepository(AuditLogTable)
    .find({ where: { userId: 'csv-a' }, order: { id: 'ASC' } });
  expect(entries.at(-1)).toMatchObject({
    event: 'REAL_NAME_REVOKED',
    oldStatus: 'NOTICE',
    newStatus: 'UNVERIFIED',
    cause: `import ${path}:2`,
  });
  const all = JSON.stringify(await command.dataSource.getRepository(AuditLogTable).find());
  expect(all).not.toMatch(/Wang Lei|Daily News/);
});

it('streams a large file with memory that does not grow with it', async () => {
  const path = join(command.folder, 'large.ndjson');
  const count = 200_000;
  const out = createWriteStream(path);
  for (let index = 0; index < count; index += 1) {
    const line = `{"userId":"bulk-${index}","followerCount":${index % 1000},"realName":"Person Number ${index} With A Reasonably Long Name","verification":"VERIFIED","category":"travel"}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  // ~30 MB of records; a 48 MB heap cannot hold them all, so a run that buffered the file would crash.
  const result = await runCli(['import', '--no-notify', path], command.env, { nodeArgs: ['--max-old-space-size=48'] });
  // Not a terminal: progress comes as a plain line every few seconds, and nothing else is on stderr.
  for (const line of result.stderr.split('\n').filter(Boolean)) {
    expect(line).toMatch(/large\.ndjson: [\d,]+ records \([\d,]+\/s\)$/);
  }
  expect(result.stdout).toContain(`${count.toLocaleString('en')} inserted, 0 updated, 0 unchanged, 0 rejected`);
  expect(await command.dataSource.getRepository(AccountsTable).countBy({ category: 'travel' })).toBe(count);
});

it('without REAL_NAME_KEYS it refuses to store names in plain text, unless told so by name', async () => {
  const path = command.file('plain.ndjson', '{"userId":"plain-1","realName":"Ma Li","verification":"VERIFIED"}\n');
  const refused = await runCli(['import', '--no-notify', path], { ...command.env, REAL_NAME_KEYS: undefined });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toBe(
    'identity-labels: REAL_NAME_KEYS is not set: the import would store real names in plain text. Set REAL_NAME_KEYS ' +
      '(`identity-labels keys generate` makes one), or STORE_REAL_NAMES_IN_PLAIN_TEXT=true to mean it (development only).\n',
  );
  expect((await nameColumns()).has('plain-1')).toBe(false);
  const meant = await runCli(['import', '--no-notify', path], {
    ...command.env,
    REAL_NAME_KEYS: undefined,
    STORE_REAL_NAMES_IN_PLAIN_TEXT: 'true',
  });
  expect(meant.code).toBe(0);
  expect((await nameColumns()).get('plain-1')).toEqual({ plain: 'Ma Li', encrypted: null });
});

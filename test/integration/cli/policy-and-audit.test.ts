// `identity-labels policy ...` and `identity-labels audit` as a user runs them.
import mysql from 'mysql2/promise';
import { runCli } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { TEST_REAL_NAME_KEYS } from '../../support/real-names';

const database = useTestDatabase();
let env: Record<string, string>;

beforeAll(() => {
  env = { DATABASE_URL: database.url, REAL_NAME_KEYS: TEST_REAL_NAME_KEYS };
});
const connect = () => mysql.createConnection(database.url);

it('refuses to work before the schema is migrated, and says what to run', async () => {
  const result = await runCli(['policy', 'list'], env);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('run `identity-labels migrate` first');
  expect((await runCli(['migrate'], env)).stdout).toMatch(/^migrations: applied /);
  expect((await runCli(['migrate'], env)).stdout).toBe('migrations: up to date\n');
});

it('lists the default stages', async () => {
  const { stdout } = await runCli(['policy', 'list'], env);
  expect(stdout).toMatch(
    /^initial\s+>= 1,000,000 followers\s+from 2023-10-30T16:00:00.000Z\s+13 notice days\s+CONSENT\s+all categories\s+in force$/m,
  );
  expect(stdout).toMatch(/^expanded\s+>= 500,000 followers/m);
});

it('adds a scheduled stage, and removes it again', async () => {
  const added = await runCli(
    [
      'policy',
      'add',
      '--name',
      'finance-2030',
      '--min-followers',
      '100000',
      '--from',
      '2030-01-01',
      '--categories',
      'finance, law',
      '--mode',
      'mandatory',
      '--notice-days',
      '7',
      '--yes',
    ],
    env,
  );
  expect(added.code).toBe(0);
  expect(added.stdout).toMatch(/policy: added stage "finance-2030" from 2030-01-01T00:00:00.000Z\n$/);
  expect((await runCli(['policy', 'list'], env)).stdout).toMatch(
    /^finance-2030 .*7 notice days\s+MANDATORY\s+categories: finance, law\s+scheduled$/m,
  );
  expect((await runCli(['policy', 'remove', 'finance-2030'], env)).code).toBe(0);
  expect((await runCli(['policy', 'list'], env)).stdout).not.toContain('finance-2030');
});

it('in production, a command needs only what it uses: no ROUTER_SECRET, no REAL_NAME_KEYS to list the stages', async () => {
  const result = await runCli(['policy', 'list'], { DATABASE_URL: database.url, NODE_ENV: 'production' });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toMatch(/^initial /m);
});

it('prints a stage name from the database with its control characters escaped, never raw', async () => {
  const connection = await connect();
  await connection.query(
    "INSERT INTO policy_stages (name, min_followers, effective_from, notice_days, mode) VALUES ('evil\u001b[2J', 5, '2040-01-01', 13, 'CONSENT')",
  );
  await connection.end();
  const listed = await runCli(['policy', 'list'], env);
  expect(listed.stdout).toContain('evil\\u001b[2J');
  expect(listed.stdout).not.toContain('\u001b');
  const refused = await runCli(['policy', 'retire', 'nope\u001b[2J'], env);
  expect(refused.stderr).toContain('nope\\u001b[2J');
  expect(refused.stderr).not.toContain('\u001b');
  await runCli(['policy', 'remove', 'evil\u001b[2J'], env);
});

it('reads a date-time without a zone as UTC', async () => {
  const added = await runCli(
    ['policy', 'add', '--name', 'utc-check', '--min-followers', '1', '--from', '2031-06-01T08:30', '--yes'],
    env,
  );
  expect(added.stdout).toMatch(/policy: added stage "utc-check" from 2031-06-01T08:30:00.000Z\n$/);
  await runCli(['policy', 'remove', 'utc-check'], env);
});

it('refuses to remove a stage in force: history stays, and it can be retired instead', async () => {
  const result = await runCli(['policy', 'remove', 'initial'], env);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/stage "initial" has been in force since .* retire it instead/);
});

it.each([
  [
    ['policy', 'add', '--name', 'x', '--min-followers', 'lots', '--from', '2030-01-01'],
    /--min-followers must be a whole number from 0 to 2,000,000,000, got "lots"/,
  ],
  [
    ['policy', 'add', '--name', 'x', '--min-followers', '5', '--from', 'tomorrow'],
    /the date must be an ISO 8601 date or date-time, such as 2026-11-25/,
  ],
  [
    ['policy', 'add', '--name', 'x', '--min-followers', '5', '--from', '2030-01-01', '--mode', 'strict'],
    /Allowed choices are consent, mandatory/,
  ],
  [
    ['policy', 'add', '--name', 'initial', '--min-followers', '5', '--from', '2030-01-01'],
    /a stage named "initial" already exists/,
  ],
  [['policy', 'add', '--min-followers', '5', '--from', '2030-01-01'], /required option '--name <name>' not specified/],
])('a bad policy command says what is wrong: %j', async (args, message) => {
  const result = await runCli(args, env);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(message);
});

it("prints an account's history", async () => {
  await runCli(['import', '-'], env, {
    stdin: '{"userId":"star","followerCount":3000000,"realName":"Li Bai","verification":"VERIFIED"}\n',
  });
  const { stdout, code } = await runCli(['audit', 'star'], env);
  expect(code).toBe(0);
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^\S+Z {2}STATUS_CHANGED\s+NOT_SUBJECT -> NOTICE {2}stage initial {2}\(import stdin:1\)$/);
  expect(lines[1]).toMatch(/NOTIFIED\s+NOTICE -> NOTICE {2}stage initial {2}\(command import\)$/);
  expect(stdout).not.toContain('Li Bai');
  expect((await runCli(['audit', 'nobody'], env)).stdout).toBe('no audit entries for nobody\n');
});

it('without DATABASE_URL, explains why commands need MySQL', async () => {
  const result = await runCli(['notify'], { DATABASE_URL: '' });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/DATABASE_URL is not set/);
});

describe('a policy change cannot disclose by accident, and can be undone', () => {
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const add = (...args: string[]) => runCli(['policy', 'add', ...args], env);

  beforeAll(async () => {
    const accounts = [
      { userId: 'fin-1', followerCount: 200_000, realName: 'Fan Li', verification: 'VERIFIED', category: 'finance' },
      { userId: 'fin-2', followerCount: 300_000, realName: 'Bai Gui', verification: 'VERIFIED', category: 'finance' },
      { userId: 'fin-3', followerCount: 150_000, verification: 'UNVERIFIED', category: 'finance' },
      { userId: 'art-1', followerCount: 400_000, realName: 'Wu Daozi', verification: 'VERIFIED', category: 'art' },
      { userId: 'art-2', followerCount: 400_000, realName: 'Yan Liben', verification: 'VERIFIED', category: 'art' },
    ];
    const stdin = accounts.map((account) => JSON.stringify(account)).join('\n');
    expect((await runCli(['import', '--no-notify', '-'], env, { stdin })).code).toBe(0);
  });

  it.each([['""'], [' , ,']])('refuses --categories %s: an empty list would mean every category', async (list) => {
    const result = await add(
      '--name',
      'empty',
      '--min-followers',
      '1',
      '--from',
      inDays(30),
      '--categories',
      JSON.parse(list.startsWith('"') ? list : JSON.stringify(list)),
      '--yes',
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/names no category: leave --categories out to cover every category/);
    expect((await runCli(['policy', 'list'], env)).stdout).not.toContain('empty');
  });

  it('shows what a stage would do, and changes nothing without --yes (or with --dry-run)', async () => {
    const from = inDays(30);
    const args = [
      '--name',
      'finance-law',
      '--min-followers',
      '100000',
      '--from',
      from,
      '--categories',
      'finance',
      '--mode',
      'mandatory',
      '--notice-days',
      '7',
    ];
    const shown = await add(...args);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain('accounts it would govern:       3 (3 not subject now)');
    const deadline = new Date(new Date(from).getTime() + 7 * 86_400_000).toISOString();
    expect(shown.stdout).toContain(`names it would disclose:        2, the first from ${deadline} (consent or not)`);
    expect(shown.stderr).toBe('nothing changed: run the same command with --yes to add it\n');
    const dryRun = await add(...args, '--dry-run', '--yes');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('dry run: nothing changed');
    expect((await runCli(['policy', 'list'], env)).stdout).not.toContain('finance-law');
    const applied = await add(...args, '--yes');
    expect(applied.code).toBe(0);
    expect((await runCli(['policy', 'list'], env)).stdout).toMatch(
      /^finance-law .*MANDATORY\s+categories: finance\s+scheduled$/m,
    );
  });

  it('refuses a start in the past unless asked for it, and a mandatory notice under MIN_MANDATORY_NOTICE_DAYS', async () => {
    const past = await add('--name', 'backdated', '--min-followers', '100000', '--from', '2020-01-01', '--yes');
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/the start 2020-01-01T00:00:00.000Z is in the past.*--allow-past-start/);
    // A mandatory stage from tomorrow for everyone, with this notice.
    const mandatory = (name: string, noticeDays: string) => [
      '--name',
      name,
      '--min-followers',
      '1',
      '--from',
      inDays(1),
      '--mode',
      'mandatory',
      '--notice-days',
      noticeDays,
      '--yes',
    ];
    const noNotice = await add(...mandatory('no-notice', '0'));
    expect(noNotice.code).toBe(2);
    expect(noNotice.stderr).toMatch(
      /a mandatory stage needs at least 7 notice days \(MIN_MANDATORY_NOTICE_DAYS\), got 0/,
    );
    const floor = await runCli(['policy', 'add', ...mandatory('floor', '7')], {
      ...env,
      MIN_MANDATORY_NOTICE_DAYS: '10',
    });
    expect(floor.stderr).toMatch(/needs at least 10 notice days/);
    expect((await runCli(['policy', 'list'], env)).stdout).not.toMatch(/backdated|no-notice|floor/);
  });

  it('retires a stage in force: its accounts drop out, notices are withdrawn, names hide again unless consented', async () => {
    const added = await add(
      '--name',
      'art-now',
      '--min-followers',
      '100000',
      '--from',
      inDays(-10),
      '--categories',
      'art',
      '--mode',
      'mandatory',
      '--notice-days',
      '7',
      '--allow-past-start',
      '--yes',
    );
    expect(added.code).toBe(0);
    await runCli(['notify'], env);
    // art-1 was told when the stage began, and its notice ran out: the mandatory stage shows its name. art-2
    // consented.
    const connection = await connect();
    await connection.query("UPDATE accounts SET notified_at = '2020-01-01 00:00:00' WHERE user_id = 'art-1'");
    await connection.query(
      "UPDATE accounts SET consent = 'YES', consent_at = UTC_TIMESTAMP(3) WHERE user_id = 'art-2'",
    );
    await connection.end();

    const retired = await runCli(['policy', 'retire', 'art-now', '--yes'], env);
    expect(retired.code).toBe(0);
    expect(retired.stdout).toContain('accounts it governs:            2 (2 would be subject no more)');
    expect(retired.stdout).toContain('names it would hide again:      1');
    expect(retired.stdout).toMatch(/notify: 0 notified, 2 notices withdrawn/);
    const consented = await runCli(['audit', 'art-2'], env);
    expect(consented.stdout.trim().split('\n').at(-1)).toMatch(/DROPPED_OUT\s+DISCLOSED -> DISCLOSED {2}stage art-now/);
    const audit = await runCli(['audit', 'art-1'], env);
    expect(audit.stdout.trim().split('\n').at(-1)).toMatch(
      /DROPPED_OUT\s+DISCLOSED -> NOT_SUBJECT {2}stage art-now {2}\(command policy retire art-now\)$/,
    );
    expect((await runCli(['policy', 'list'], env)).stdout).toMatch(/^art-now .* retired \S+Z$/m);
    expect((await runCli(['policy', 'remove', 'art-now'], env)).stderr).toMatch(
      /has been in force .* stays as history/,
    );
    const history = await runCli(['policy', 'history'], env);
    expect(history.stdout).toMatch(
      /ADDED\s+art-now {2}\(command policy add\)\n.*RETIRED\s+art-now {2}\(command policy retire art-now\)/,
    );
    const outbox = await connect();
    const [rows] = await outbox.query(
      "SELECT kind, stage_name FROM notification_outbox WHERE user_id = 'art-1' ORDER BY id",
    );
    await outbox.end();
    expect(rows).toEqual([
      { kind: 'NOTICE', stage_name: 'art-now' },
      { kind: 'NOTICE_WITHDRAWN', stage_name: null },
    ]);
  });

  it('audit says which stage each notice was under', async () => {
    // Told under "expanded" at 600,000 followers, then again under "initial" at 1,200,000.
    for (const followerCount of [600_000, 1_200_000]) {
      await runCli(['import', '-'], env, { stdin: `{"userId":"fin-2","followerCount":${followerCount}}\n` });
    }
    const lines = (await runCli(['audit', 'fin-2'], env)).stdout.trim().split('\n');
    const notices = lines.filter((line) => line.includes('NOTIFIED'));
    expect(notices.map((line) => /stage (\S+)/.exec(line)?.[1])).toEqual(['expanded', 'initial']);
  });
});

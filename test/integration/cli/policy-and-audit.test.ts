// `identity-labels policy ...` and `identity-labels audit` as a user runs them.
import { runCli } from '../../support/cli';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
let env: Record<string, string>;

beforeAll(() => {
  env = { DATABASE_URL: database.url };
});

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
    ],
    env,
  );
  expect(added).toMatchObject({
    code: 0,
    stdout: 'policy: added stage "finance-2030" from 2030-01-01T00:00:00.000Z\n',
  });
  expect((await runCli(['policy', 'list'], env)).stdout).toMatch(
    /^finance-2030 .*7 notice days\s+MANDATORY\s+categories: finance, law\s+scheduled$/m,
  );
  expect((await runCli(['policy', 'remove', 'finance-2030'], env)).code).toBe(0);
  expect((await runCli(['policy', 'list'], env)).stdout).not.toContain('finance-2030');
});

it('reads a date-time without a zone as UTC', async () => {
  const added = await runCli(
    ['policy', 'add', '--name', 'utc-check', '--min-followers', '1', '--from', '2031-06-01T08:30'],
    env,
  );
  expect(added.stdout).toBe('policy: added stage "utc-check" from 2031-06-01T08:30:00.000Z\n');
  await runCli(['policy', 'remove', 'utc-check'], env);
});

it('refuses to remove a stage in force: history stays', async () => {
  const result = await runCli(['policy', 'remove', 'initial'], env);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/stage "initial" is in force since .* add a new stage/);
});

it.each([
  [
    ['policy', 'add', '--name', 'x', '--min-followers', 'lots', '--from', '2030-01-01'],
    /--min-followers must be a whole number, got "lots"/,
  ],
  [
    ['policy', 'add', '--name', 'x', '--min-followers', '5', '--from', 'tomorrow'],
    /expected a date such as 2026-01-01/,
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
  expect(lines[0]).toMatch(/^\S+Z {2}STATUS_CHANGED\s+NOT_SUBJECT -> NOTICE {2}\(import stdin:1\)$/);
  expect(lines[1]).toMatch(/NOTIFIED\s+NOTICE -> NOTICE {2}\(command import\)$/);
  expect(stdout).not.toContain('Li Bai');
  expect((await runCli(['audit', 'nobody'], env)).stdout).toBe('no audit entries for nobody\n');
});

it('without DATABASE_URL, explains why commands need MySQL', async () => {
  const result = await runCli(['notify'], { DATABASE_URL: '' });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/DATABASE_URL is not set/);
});

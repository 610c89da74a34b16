// A wrong argument or option is one line that says what was wrong, a hint where to read more, and exit
// code 2 (docs/cli.md), before anything is opened or changed. Numbers have bounds a typo cannot pass.
import { runCli } from '../../support/cli';

const env = { DATABASE_URL: 'mysql://root@127.0.0.1:1/never-opened' };

it.each([
  [['import', '--batch-size', '0', 'a.csv'], /--batch-size must be a whole number from 1 to 10,000, got "0"/, 'import'],
  [
    ['ip-locations', 'import', '--batch-size', '20000', 'a.csv'],
    /from 1 to 10,000, got "20000"/,
    'ip-locations import',
  ],
  [['keys', 'rotate', '--batch-size', '-1'], /--batch-size/, 'keys rotate'],
  [['accounts', 'erase', '--batch-size', 'lots', 'u-1'], /got "lots"/, 'accounts erase'],
  [
    ['policy', 'add', '--name', 'x', '--min-followers', '99999999999', '--from', '2031-01-01'],
    /--min-followers must be a whole number from 0 to 2,000,000,000, got "99999999999"/,
    'policy add',
  ],
  [
    ['policy', 'add', '--name', 'x', '--min-followers', '1', '--from', '2031-01-01', '--notice-days', '999999999'],
    /--notice-days must be a whole number from 0 to 3,650/,
    'policy add',
  ],
  [
    ['policy', 'add', '--name', 'x', '--min-followers', '1', '--from', '2029-02-30'],
    /argument '2029-02-30' is invalid\. the date has no such day in its month/,
    'policy add',
  ],
  [['policy', 'retire', 'initial', '--at', '2030-06-01T24:00:00Z'], /the date has an hour past 23/, 'policy retire'],
  [
    ['policy', 'retire', 'initial', '--at', '2020-01-01', '--yes'],
    /argument '2020-01-01' is invalid\. 2020-01-01T00:00:00\.000Z is in the past: .*leave --at out to retire it now/,
    'policy retire',
  ],
  [['policy', 'add', '--name', 'x'], /required option '--min-followers <n>' not specified/, 'policy add'],
  [['no-such-command'], /unknown command 'no-such-command'/, ''],
])('%j: one line, a hint, exit code 2', async (args, message, helpFor) => {
  const result = await runCli(args, env);
  expect(result.code).toBe(2);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toBe(`(\`${['identity-labels', helpFor, '--help'].filter(Boolean).join(' ')}\` shows the usage)`);
  expect(result.stdout).toBe('');
});

it('--help and --version still answer on stdout with exit code 0', async () => {
  expect(await runCli(['--version'], env)).toMatchObject({
    code: 0,
    stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/),
  });
  const help = await runCli(['policy', 'add', '--help'], env);
  expect(help).toMatchObject({ code: 0, stderr: '' });
  expect(help.stdout).toMatch(/^Usage: identity-labels policy add \[options\]/);
});

// The command's failures: every expected one is a single line on stderr with the exit code its code carries
// (2: fix the configuration or the arguments; 1: it ran and failed); anything else is exit code 1.
import { Readable } from 'node:stream';
import type { CommandIo } from '../../../src/cli/command-io';
import { CommandError } from '../../../src/cli/database';
import { main } from '../../../src/cli/main';
import { ConfigError } from '../../../src/config';
import { ExpectedFailure } from '../../../src/errors';
import { IpDatabaseError } from '../../../src/ip-location/ip-database';
import { PolicyAdminError } from '../../../src/policy-admin/policy-stage-admin';

/** A process of the test's own: what the command wrote, and the exit code it set. */
function fakeIo(withDatabase: () => Promise<never> = () => Promise.reject(new Error('no database here'))) {
  const written = { stdout: '', stderr: '', exitCode: undefined as number | undefined };
  const writer = (stream: 'stdout' | 'stderr') =>
    ({ write: (chunk: string) => ((written[stream] += chunk), true) }) as unknown as NodeJS.WriteStream;
  const io: CommandIo = {
    stdin: Readable.from([]),
    stdout: writer('stdout'),
    stderr: writer('stderr'),
    setExitCode: (code) => (written.exitCode = code),
    onInterrupt: () => () => undefined,
    onTerminate: () => () => undefined,
    withDatabase: withDatabase as CommandIo['withDatabase'],
  };
  return { io, written };
}

const run = (io: CommandIo, ...args: string[]) => main(['node', 'identity-labels', ...args], io);

it('a bad argument found by a command is one line and exit code 2', async () => {
  const { io, written } = fakeIo();
  await run(io, 'keys', 'generate', '--id', 'no spaces allowed');
  expect(written.stdout).toBe('');
  expect(written.stderr).toMatch(/^identity-labels: [^\n]+\n$/);
  expect(written.exitCode).toBe(2);
});

it.each([
  { failure: new ConfigError('invalid configuration:\n  PORT: expected a number'), exitCode: 2 },
  { failure: new CommandError('DATABASE_URL is not set', 'CONFIG_INVALID'), exitCode: 2 },
  { failure: new CommandError('--batch-size must be between 1 and 10000', 'USAGE'), exitCode: 2 },
  { failure: new PolicyAdminError('policy add: the name must be 1-64 characters', 'STAGE_INVALID'), exitCode: 2 },
  { failure: new CommandError('the database schema is behind this version'), exitCode: 1 },
  { failure: new PolicyAdminError('there is no stage named "x"'), exitCode: 1 },
  { failure: new IpDatabaseError('cannot open the IP database: no such file'), exitCode: 1 },
])('$failure.name $failure.code: its message on stderr, exit code $exitCode', async ({ failure, exitCode }) => {
  expect(failure).toBeInstanceOf(ExpectedFailure);
  const { io, written } = fakeIo(() => Promise.reject(failure));
  await run(io, 'notify');
  expect(written).toEqual({ stdout: '', stderr: `identity-labels: ${failure.message}\n`, exitCode });
});

it('anything unexpected is reported the same way, with exit code 1', async () => {
  const { io, written } = fakeIo(() => Promise.reject(new TypeError('x is undefined')));
  await run(io, 'audit', 'someone');
  expect(written).toEqual({ stdout: '', stderr: 'identity-labels: x is undefined\n', exitCode: 1 });
});

// The command itself: its version, and what it says in a fresh clone before anything is built.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli';
import { REPOSITORY_ROOT } from '../../support/paths';

const { version } = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { version: string };
const BIN = join(REPOSITORY_ROOT, 'bin', 'identity-labels');

it('--version prints the package version', async () => {
  expect(await runCli(['--version'], {})).toMatchObject({ code: 0, stdout: `${version}\n` });
});

it('the installed command (bin/identity-labels) runs the built tool', () => {
  const result = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
  expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: `${version}\n` });
});

it('before a build, the command says to build first instead of "not found"', () => {
  const clone = mkdtempSync(join(tmpdir(), 'identity-fresh-clone-'));
  try {
    mkdirSync(join(clone, 'bin'));
    copyFileSync(BIN, join(clone, 'bin', 'identity-labels'));
    const result = spawnSync(process.execPath, [join(clone, 'bin', 'identity-labels'), 'migrate'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`identity-labels: not built yet: run \`npm run build\` in ${clone} first\n`);
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
});

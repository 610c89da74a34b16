// The image's own commands, checked without a Docker engine: docker/Dockerfile's final stage replayed into a
// folder from the built tree (test/support/dockerfile.ts), and the commands the Dockerfile and
// docker/compose.yaml promise run there by name through a shell, with the image's ENV, as the container would.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTestDatabase } from '../support/database';
import { replayFinalImage, type ReplayedImage } from '../support/dockerfile';
import { REPOSITORY_ROOT } from '../support/paths';
import { TEST_REAL_NAME_KEYS } from '../support/real-names';

const { version } = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { version: string };

let image: ReplayedImage;
beforeAll(() => (image = replayFinalImage()));
afterAll(() => image.remove());

/** `command` run by the image's shell in its working directory, with the image's environment and `env`. */
function inImage(command: string, env: Record<string, string> = {}, stdin = '') {
  return spawnSync('sh', ['-c', command], {
    cwd: image.workdir,
    env: { ...image.env, ...env },
    input: stdin,
    encoding: 'utf8',
  });
}

it('runs `identity-labels --version` and `--help` by name, from the PATH the Dockerfile sets', () => {
  expect(inImage('identity-labels --version')).toMatchObject({ status: 0, stdout: `${version}\n` });
  const help = inImage('identity-labels --help');
  expect(help).toMatchObject({ status: 0, stderr: '' });
  expect(help.stdout).toMatch(/\bmigrate\b[\s\S]*\bimport\b/);
});

describe('the one-off commands docker/compose.yaml shows', () => {
  const database = useTestDatabase();
  // `docker compose ... run --rm [-T] identity-labels <command> [< file]`, continuation lines joined.
  const shown = [
    ...readFileSync(join(REPOSITORY_ROOT, 'docker', 'compose.yaml'), 'utf8')
      .replace(/\\\n#\s*/g, '')
      .matchAll(/run --rm (?:-T )?identity-labels (identity-labels [^<\n]*?)\s*(?:< (\S+))?$/gm),
  ].map(([, command, stdinFile]) => ({ command: command!, stdinFile }));

  it('are a migrate and an import from standard input', () => {
    expect(shown.map(({ command }) => command)).toEqual([
      'identity-labels migrate',
      'identity-labels import --format csv -',
    ]);
  });

  it('run in the image, in order, on its database', () => {
    const env = { DATABASE_URL: database.url, REAL_NAME_KEYS: TEST_REAL_NAME_KEYS, ROUTER_SECRET: 'r'.repeat(32) };
    const accounts = 'userId,followerCount,realName,verification\nimage-1,1200000,Wang Lei,VERIFIED\n';
    for (const { command, stdinFile } of shown) {
      const result = inImage(command, env, stdinFile ? accounts : '');
      expect({ command, status: result.status, stderr: result.stderr }).toEqual({ command, status: 0, stderr: '' });
    }
  });
});

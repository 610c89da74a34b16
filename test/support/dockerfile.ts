// docker/Dockerfile read as data, for the tests that check the image without a Docker engine: its
// instructions by stage, and its final stage replayed into a folder (what the COPY lines put into the image,
// with the image's ENV), so that a test can run the image's commands as the container would.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { REPOSITORY_ROOT } from './paths';

export const DOCKERFILE = join(REPOSITORY_ROOT, 'docker', 'Dockerfile');

/** Instructions, with continuation lines joined and comments dropped, grouped by stage (each opens with FROM). */
export function dockerStages(file = DOCKERFILE): string[][] {
  const instructions = readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: string[][] = [];
  for (const instruction of instructions) {
    if (/^FROM\b/i.test(instruction)) stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

export const stageName = (stage: string[]): string | undefined => / AS (\S+)$/i.exec(stage[0] ?? '')?.[1];

/** The working directory a stage ends in (its last WORKDIR). */
function workdirOf(stage: string[]): string {
  return /^WORKDIR\s+(\S+)/i.exec(stage.findLast((line) => /^WORKDIR\b/i.test(line)) ?? '')?.[1] ?? '/';
}

export interface ReplayedImage {
  /** The image's root folder: the container's /app is `${root}/app`. */
  root: string;
  /** The container's working directory, in `root`. */
  workdir: string;
  /** The image's ENV, its paths moved into `root`, `$PATH` the host's (for `node`, which the base image has). */
  env: Record<string, string>;
  remove(): void;
}

/**
 * The final stage's files, copied into a new folder: a COPY from the build context takes the repository's
 * file; a COPY --from=<build stage> takes the repository's file at the same place under that stage's WORKDIR,
 * so the tree must be built first (dist/), and node_modules is linked, not copied (the build stage prunes it
 * to the production dependencies; the repository's holds those and the development ones).
 */
export function replayFinalImage(file = DOCKERFILE): ReplayedImage {
  const stages = dockerStages(file);
  const final = stages.at(-1) ?? [];
  const root = mkdtempSync(join(tmpdir(), 'identity-image-'));
  const inImage = (path: string) => join(root, path);
  let workdir = '/';
  const env: Record<string, string> = {};
  for (const line of final) {
    const [instruction, ...words] = line.split(/\s+/);
    if (/^WORKDIR$/i.test(instruction!)) {
      workdir = posix.resolve(workdir, words[0]!);
      mkdirSync(inImage(workdir), { recursive: true });
    } else if (/^ENV$/i.test(instruction!)) {
      for (const pair of words) {
        const [key, value] = pair.split(/=(.*)/s) as [string, string];
        env[key] = value.replace(/\$\{?(\w+)\}?/g, (_, name: string) => env[name] ?? process.env[name] ?? '');
      }
    } else if (/^COPY$/i.test(instruction!)) {
      const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((word) => !word.startsWith('--'));
      const targetWord = paths.pop()!;
      const target = posix.resolve(workdir, targetWord);
      const source = from ? stages.find((stage) => stageName(stage) === from) : undefined;
      if (from && !source) throw new Error(`COPY --from=${from}: no such stage in ${file}`);
      for (const path of paths) {
        const host = source
          ? join(REPOSITORY_ROOT, posix.relative(workdirOf(source), posix.resolve(workdirOf(source), path)))
          : join(REPOSITORY_ROOT, path);
        const destination = targetWord.endsWith('/') ? join(target, basename(host)) : target;
        mkdirSync(dirname(inImage(destination)), { recursive: true });
        if (basename(host) === 'node_modules') symlinkSync(host, inImage(destination));
        else cpSync(host, inImage(destination), { recursive: true });
      }
    }
  }
  // The image's absolute paths (PATH's /app/bin) are in `root` here.
  if (env.PATH) {
    env.PATH = env.PATH.split(':')
      .map((entry) => (existsSync(inImage(entry)) && entry !== '/' ? inImage(entry) : entry))
      .join(':');
  }
  return { root, workdir: inImage(workdir), env, remove: () => rmSync(root, { recursive: true, force: true }) };
}

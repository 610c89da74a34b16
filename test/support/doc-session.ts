// Runs a page's shell blocks (test/support/shell-blocks.ts) as a reader pastes them: one bash, the commands in
// order, each as written, against the real MariaDB and a real server from the built tree, and compares what
// each prints with what the page shows. What differs from a reader's terminal, and nothing else:
//   - the folder: a scratch folder that links the checkout's package.json, bin/ and dist/ (what `npx
//     identity-labels` and `node dist/...` use), so that the files a page writes (accounts.csv, server.log) land
//     there, and are gone after;
//   - the environment: PATH (this Node first), HOME, LANG and PORT only (and MYSQL_PWD for a database server
//     with a password), so that none of the test's own (DATABASE_URL, NODE_ENV=test) leaks in;
//   - what must be unique on a machine shared with other tests: the database `identity_labels` is one of a
//     name nobody else uses (dropped after), the ports 4001 and 4000 are free ones (PORT is the first);
//   - the database server, when the tests are given another one than the pages show (DATABASE_URL);
//   - the commands a test cannot run (MAPPINGS below), replaced by their effect in the checkout.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dropTestDatabase, TEST_SERVER_URL, uniqueDatabaseName } from './database';
import { freePort } from './owned-process';
import { REPOSITORY_ROOT } from './paths';
import {
  difference,
  outputMatches,
  variablesNamed,
  withVariables,
  type DocCommand,
  type DocSession,
} from './shell-blocks';
import { waitUntil } from './wait-until';

/** Where a session runs: its folder, and the values that stand in for the pages' names and ports. */
interface Place {
  folder: string;
  /** Stands in for 4001, the subgraph's port; PORT in the session. */
  port: number;
  /** Stands in for 4000, the demo gateway's port. */
  gatewayPort: number;
  /** Stands in for the database `identity_labels`. */
  database: string;
}

interface Mapping {
  /** What runs in the session instead. */
  run(place: Place): string;
  /** What the test then waits for (bounded), as the reader waits for the command to say it is up. */
  ready?(place: Place): Promise<void>;
  why: string;
}

const UP_WITHIN_MS = 30_000;

/** The tail of a log the session wrote, for an error message. */
function logTail(place: Place, name: string): string {
  try {
    return readFileSync(join(place.folder, name), 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Waits (bounded) until `condition` holds; fails with the tail of the log the process writes. */
function upWithin(place: Place, what: string, log: string, condition: () => Promise<boolean>): Promise<void> {
  return waitUntil(condition, what, UP_WITHIN_MS).then(
    () => undefined,
    (error: Error) => Promise.reject(new Error(`${error.message}; its log:\n${logTail(place, log)}`)),
  );
}

/**
 * The commands a test cannot run, by their text (comments aside), and their effect in the checkout instead. The
 * integration project builds dist/ before any test (test/support/build-once.js) and node_modules is the
 * checkout's: `npm ci` (an install from the network, minutes long) and the build are done. A server the page
 * runs in the foreground (the reader then opens another terminal) runs in the background here.
 */
export const MAPPINGS: Record<string, Mapping> = {
  'npm ci && npm run build': { run: () => ':', why: 'installed and built already (build-once.js)' },
  'npm ci && npm test': { run: () => ':', why: 'the test suite this test belongs to: CI runs it (.ci/run)' },
  'npm ci && npm start': {
    run: () => 'node dist/src/index.js > npm-start.log 2>&1 &',
    ready: (place) =>
      upWithin(place, 'the server', 'npm-start.log', () =>
        fetch(`http://127.0.0.1:${place.port}/ready`).then(
          (response) => response.ok,
          () => false,
        ),
      ),
    why: 'npm start builds (done) and serves in the foreground: here in the background, until the session ends',
  },
  'npm ci && npm run demo': {
    run: (place) =>
      `DEMO_GATEWAY_PORT=${place.gatewayPort} DEMO_IDENTITY_PORT=0 DEMO_USERS_PORT=0 DEMO_POSTS_PORT=0 ` +
      'node dist/examples/demo.js > npm-run-demo.log 2>&1 &',
    ready: (place) =>
      upWithin(place, 'the demo', 'npm-run-demo.log', async () =>
        logTail(place, 'npm-run-demo.log').includes('Local supergraph ready at'),
      ),
    why: 'npm run demo builds (done) and runs in the foreground: here in the background, its subgraphs on free ports',
  },
};

/** The pages' names and ports, replaced in the commands and in what they show by the session's own. */
function substitutions(place: Place): [RegExp, string][] {
  const server = new URL(TEST_SERVER_URL);
  server.pathname = '';
  return [
    [/\bidentity_labels\b/g, place.database],
    [/\b(localhost|127\.0\.0\.1):4001\b/g, `$1:${place.port}`],
    [/\b(localhost|127\.0\.0\.1):4000\b/g, `$1:${place.gatewayPort}`],
    [/mysql:\/\/root@127\.0\.0\.1:3306\b/g, String(server).replace(/\/$/, '')],
    [
      /\bmariadb -h127\.0\.0\.1 -uroot\b/g,
      `mariadb -h${server.hostname} -P${server.port || 3306} -u${decodeURIComponent(server.username || 'root')}`,
    ],
  ];
}

function substituted(text: string, place: Place): string {
  return substitutions(place).reduce((result, [pattern, value]) => result.replace(pattern, value), text);
}

interface Ran {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** The values of the shell variables asked for, after the command. */
  values: Record<string, string>;
}

/** One bash, fed one command at a time on its standard input; each command's output is cut out by markers. */
class BashSession {
  private stdout = '';
  private stderr = '';
  private exited = false;
  private count = 0;

  constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    child.on('exit', () => (this.exited = true));
  }

  static start(cwd: string, env: Record<string, string>): BashSession {
    // Its own process group: whatever it starts in the background is stopped with it.
    return new BashSession(spawn('bash', ['--noprofile', '--norc'], { cwd, env, detached: true, stdio: 'pipe' }));
  }

  async run(command: string, variables: string[], timeoutMs: number): Promise<Ran> {
    const number = (this.count += 1);
    const stdoutFrom = this.stdout.length;
    const stderrFrom = this.stderr.length;
    // The command reads no standard input (that is where the next commands come from), and its status and the
    // variables are printed after it, with a newline first in case its output did not end with one.
    const values = variables.map((name) => ` "\${${name}-}"`).join('');
    this.child.stdin!.write(
      `{\n${command}\n} < /dev/null\n` +
        `printf '\\n\\036%d %d' ${number} $?\n` +
        (values ? `printf '\\037%s'${values}\n` : '') +
        `printf '\\036\\n'\nprintf '\\n\\036%d\\036\\n' ${number} >&2\n`,
    );
    const stdoutEnd = new RegExp(`\\n\\x1e${number} (\\d+)((?:\\x1f[^\\x1e]*)*)\\x1e\\n`);
    const stderrEnd = `\n\x1e${number}\x1e\n`;
    const done = () => stdoutEnd.test(this.stdout.slice(stdoutFrom)) && this.stderr.includes(stderrEnd, stderrFrom);
    await waitUntil(async () => this.exited || done(), 'the command to end', timeoutMs).catch((error: Error) => {
      throw new Error(
        `${error.message}; so far it printed:\n${this.stdout.slice(stdoutFrom)}\n${this.stderr.slice(stderrFrom)}`,
      );
    });
    if (!done()) throw new Error(`bash ended during the command:\n${this.stderr.slice(stderrFrom)}`);
    const end = stdoutEnd.exec(this.stdout.slice(stdoutFrom))!;
    const printedValues = end[2]!.split('\x1f').slice(1);
    return {
      stdout: this.stdout.slice(stdoutFrom, stdoutFrom + end.index),
      stderr: this.stderr.slice(stderrFrom, this.stderr.indexOf(stderrEnd, stderrFrom)),
      exitCode: Number(end[1]),
      values: Object.fromEntries(variables.map((name, index) => [name, printedValues[index] ?? ''])),
    };
  }

  /** Stops the shell and everything it started (a server in the background), and waits until they are gone. */
  async close(): Promise<void> {
    const group = -this.child.pid!;
    const signal = (name: NodeJS.Signals | 0) => {
      try {
        process.kill(group, name);
        return true;
      } catch {
        return false; // nothing left in the group
      }
    };
    signal('SIGTERM');
    await waitUntil(async () => !signal(0), 'the session to end', 20_000).catch(() => signal('SIGKILL'));
  }
}

const COMMAND_WITHIN_MS = 60_000;

/** Checks one command's run against what the page shows; a difference fails with the page's line. */
function compare(command: DocCommand, text: string, ran: Ran, place: Place): void {
  const where = `${command.file}:${command.line}`;
  const { shows } = command;
  expect({ where, command: text, exitCode: ran.exitCode, stderr: ran.stderr }).toEqual({
    where,
    command: text,
    exitCode: shows.exitCode,
    stderr: ran.stderr,
  });
  if (!shows.shown) return;
  for (const stream of ['stdout', 'stderr'] as const) {
    const shown = shows[stream].map((line) => withVariables(substituted(line, place), ran.values));
    if (outputMatches(shown, ran[stream])) continue;
    const { printed, shown: expected } = difference(shown, ran[stream]);
    expect({ where, command: text, [stream]: printed }).toEqual({ where, command: text, [stream]: expected });
  }
}

/** Runs the commands of one session of a page, in a place of its own, and removes that place after. */
export async function runDocSession(session: DocSession): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'identity-docs-'));
  const place: Place = { folder, port: 0, gatewayPort: 0, database: uniqueDatabaseName() };
  let shell: BashSession | undefined;
  try {
    for (const linked of ['package.json', 'bin', 'dist'])
      symlinkSync(join(REPOSITORY_ROOT, linked), join(folder, linked));
    place.port = await freePort();
    place.gatewayPort = await freePort();
    const password = decodeURIComponent(new URL(TEST_SERVER_URL).password);
    shell = BashSession.start(folder, {
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: process.env.HOME ?? folder,
      LANG: 'C.UTF-8',
      PORT: String(place.port),
      ...(password ? { MYSQL_PWD: password } : {}),
    });
    for (const command of session.commands) {
      const mapping = MAPPINGS[command.bare];
      const text = mapping?.run(place) ?? substituted(command.text, place);
      const ran = await shell.run(text, variablesNamed(command.shows), COMMAND_WITHIN_MS);
      compare(command, mapping ? `${text}   (for \`${command.bare}\`: ${mapping.why})` : text, ran, place);
      await mapping?.ready?.(place);
    }
  } finally {
    await shell?.close();
    await dropTestDatabase(place.database);
    rmSync(folder, { recursive: true, force: true });
  }
}

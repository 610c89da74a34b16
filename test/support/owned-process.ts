// Servers the tests run as processes of their own (a private MariaDB pair, a private Redis): each is a child
// of the test process and dies with it however it ends (the kernel's parent-death signal, set by setpriv;
// Jest's sandbox never runs a test file's 'exit' handlers), and what it last wrote goes into the error
// when it does not come up.
import { spawn } from 'node:child_process';
import net from 'node:net';

export interface OwnedProcess {
  /** Whether it has ended (by itself or stopped). */
  readonly exited: boolean;
  /** Its last lines of output (stdout and stderr), for error messages. */
  outputTail(): string;
  /** Sends `signal`, and SIGKILL if it has not ended within 20 s; resolves once it has ended. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Sends a signal that does not end it (SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void;
}

const TAIL_LINES = 30;
const STOP_GRACE_MS = 20_000;

export interface SpawnOwnedOptions {
  /** As root, the user to run it as (a server that must not run as root, like mariadbd). */
  user?: string;
  /** Its working directory; the test's by default. */
  cwd?: string;
  /** Its whole environment; the test's by default. */
  env?: Record<string, string>;
}

/** Starts `command`. */
export function spawnOwned(command: string, args: string[], options: SpawnOwnedOptions = {}): OwnedProcess {
  const asUser =
    options.user !== undefined && process.getuid?.() === 0
      ? [`--reuid=${options.user}`, `--regid=${options.user}`, '--init-groups']
      : [];
  // setpriv sets the parent-death signal after it changes user (a change of user clears it), then execs.
  const child = spawn('setpriv', [...asUser, '--pdeathsig', 'KILL', '--', command, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
    env: options.env,
  });
  let tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail = tail.concat(chunk.toString().split('\n').filter(Boolean)).slice(-TAIL_LINES);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // A test file that forgets to stop it must not keep Jest from exiting (the server then dies with Jest).
  child.unref();
  for (const output of [child.stdout, child.stderr]) (output as net.Socket).unref();
  let exited = false;
  const ended = new Promise<void>((resolve) => {
    const end = () => {
      exited = true;
      resolve();
    };
    child.once('exit', end);
    child.once('error', (error) => {
      keep(Buffer.from(`${command}: ${error.message}`));
      end();
    });
  });
  return {
    get exited() {
      return exited;
    },
    outputTail: () => tail.join('\n'),
    signal: (signal) => {
      if (!exited) child.kill(signal); // setpriv has exec'd: the child is the server itself
    },
    async stop(signal = 'SIGTERM') {
      if (exited) return;
      child.kill(signal);
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await ended;
      clearTimeout(kill);
    },
  };
}

/**
 * Resolves once `answers()` resolves true; throws, with the process's last output, as soon as the process
 * has ended or after `timeoutMs`.
 */
export async function waitUntilAnswering(
  owned: OwnedProcess,
  what: string,
  answers: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await answers().catch(() => false)) return;
    if (owned.exited || Date.now() > deadline) {
      const why = owned.exited ? 'it exited' : `it did not answer within ${timeoutMs / 1000} s`;
      throw new Error(`${what} did not come up: ${why}. Its last output:\n${owned.outputTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Runs `start` on a port of 127.0.0.1 that was free a moment before; if another process took it in that
 * moment (the server says "Address already in use"), again on another one.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt === 3 || !String(error).includes('Address already in use')) throw error;
    }
  }
}

/** A port of 127.0.0.1 that was free a moment ago (another process may take it: see onFreePort). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

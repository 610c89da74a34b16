// The subgraph as it is deployed: `node dist/src/index.js` in its own process, NODE_ENV=production, on the
// benchmark database. Its memory is read from /proc (Linux).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BENCH_WRITER_SECRET } from './ip-locations-load';

/** This checkout's built service (dist/src/index.js); another checkout's with --against. */
export const THIS_CHECKOUT = join(__dirname, '..', '..', '..');

export interface SubgraphProcess {
  url: string;
  pid: number;
  /** Resident set size now and its peak so far, in bytes. */
  memory(): { rssBytes: number; peakRssBytes: number };
  /** CPU time (user + system) the process has used so far, in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime: USER_HZ, 100 on Linux. */
const TICKS_PER_SECOND = 100;

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, inside parentheses): utime is the 14th, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the subgraph exited with ${child.exitCode}:\n${stderr()}`);
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the subgraph did not become ready within 60 s:\n${stderr()}`);
}

/** The shared secret the benchmark plays the router with: production refuses to start without one. */
export const BENCH_ROUTER_SECRET = 'benchmark-router-shared-secret';

export async function startSubgraph(
  databaseUrl: string,
  env: Record<string, string | undefined>,
  nodeArgs: string[] = [],
  checkout = THIS_CHECKOUT,
): Promise<SubgraphProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, join(checkout, 'dist', 'src', 'index.js')], {
    env: {
      ...process.env,
      ...env,
      NODE_ENV: 'production',
      ROUTER_SECRET: BENCH_ROUTER_SECRET,
      IP_LOCATION_WRITER_SECRET: BENCH_WRITER_SECRET,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      RUN_MIGRATIONS: 'false', // the import command migrated it
      NOTIFY_INTERVAL_SECONDS: '0', // a notify run over the whole table in the middle of a run would skew it
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, child, () => stderr);
  const pid = child.pid!;
  return {
    url,
    pid,
    memory: () => ({ rssBytes: statusBytes(pid, 'VmRSS'), peakRssBytes: statusBytes(pid, 'VmHWM') }),
    cpuSeconds: () => cpuSeconds(pid),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      if (stderr.trim() !== '') process.stderr.write(`subgraph stderr:\n${stderr}\n`);
    },
  };
}

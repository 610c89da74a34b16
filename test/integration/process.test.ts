// The service as `npm start` runs it: a real process, configured by its environment, stopped by a signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { built } from '../support/paths';

const ENTRY = built('src', 'index.js');

function startProcess(env: Record<string, string>): ChildProcess {
  // The settings these tests set are not inherited: each test starts from the defaults.
  const {
    DATABASE_URL: _database,
    ACCOUNT_CACHE_TTL_MS: _cache,
    ALLOCATION_SITE_PRETENURING: _pretenuring,
    YOUNG_GENERATION_SEMI_SPACE_MB: _semiSpace,
    ...inherited
  } = process.env;
  return spawn(process.execPath, [ENTRY], {
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: 'pipe',
  });
}

/** Resolves with the GraphQL URL the process logs once it is ready. */
async function readyUrl(child: ChildProcess): Promise<string> {
  for await (const line of createInterface({ input: child.stdout! })) {
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'identity-labels subgraph ready' && entry.url) return entry.url;
  }
  throw new Error('the process ended before it was ready');
}

it('starts with no DATABASE_URL on the embedded demo data, and exits 0 on SIGTERM', async () => {
  const child = startProcess({});
  try {
    const url = await readyUrl(child);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-viewer-id': 'v', 'x-viewer-verified': 'true' },
      body: JSON.stringify({
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { displayName } } }',
        variables: { r: [{ __typename: 'User', id: 'demo-disclosed', nickname: 'weiwei' }] },
      }),
    });
    expect(await response.json()).toEqual({ data: { _entities: [{ displayName: 'weiwei (Zhang Wei)' }] } });
  } finally {
    child.kill('SIGTERM');
  }
  const [code, signal] = await once(child, 'exit');
  expect({ code, signal }).toEqual({ code: 0, signal: null });
});

it('refuses to start on a bad variable, naming it, with exit code 2', async () => {
  const child = startProcess({ REAL_NAME_VIEWERS: 'everybody', PORT: 'http' });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  expect(code).toBe(2);
  expect(stderr).toMatch(/REAL_NAME_VIEWERS: .*"anyone"/);
  expect(stderr).toMatch(/PORT: must be a whole number/);
});

it('in production, refuses to start without DATABASE_URL instead of serving the demo data', async () => {
  const child = startProcess({ NODE_ENV: 'production', ALLOW_UNAUTHENTICATED: 'true' });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  expect(code).toBe(2);
  expect(stderr).toMatch(/DATABASE_URL: required when NODE_ENV=production/);
  expect(stdout).not.toMatch(/embedded database/);
});

it('refuses to start in production on MySQL without REAL_NAME_KEYS, naming it, with exit code 2', async () => {
  const child = startProcess({
    NODE_ENV: 'production',
    ROUTER_SECRET: 'a-long-shared-secret',
    DATABASE_URL: 'mysql://root@127.0.0.1:3306/never_opened',
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  expect(code).toBe(2);
  expect(stderr).toMatch(/REAL_NAME_KEYS: required when NODE_ENV=production/);
});

it('refuses to start when the database cannot be reached, saying so', async () => {
  const child = startProcess({ DATABASE_URL: 'mysql://root@127.0.0.1:1/none' });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  expect(code).toBe(1);
  expect(stderr).toMatch(/failed to start: .*ECONNREFUSED/);
});

it('a port another process holds: one line naming PORT, exit code 1, no stack trace', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    const child = startProcess({ PORT: String(port) });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toBe(
      `identity-labels: failed to start: port ${port} is already in use: set PORT to a free port (PORT=0 picks one)\n`,
    );
  } finally {
    holder.close();
  }
});

describe('the V8 flags (YOUNG_GENERATION_SEMI_SPACE_MB, ALLOCATION_SITE_PRETENURING)', () => {
  /** The flags the running process was started with, as the kernel shows them. */
  async function startedWith(env: Record<string, string>): Promise<{ args: string[] }> {
    const child = startProcess(env);
    try {
      await readyUrl(child);
      const args = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
      return { args }; // the pid spawned is the one serving: it was started again in place
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }

  it('by default the server runs with semi-spaces of 32 MB and V8 own pretenuring, in the process it was started as', async () => {
    const { args } = await startedWith({});
    expect(args).toContain('--max-semi-space-size=32');
    expect(args.join(' ')).not.toMatch(/pretenuring/);
    expect(args).toContain(ENTRY);
  });

  it('with the row cache off, the server runs without allocation-site pretenuring', async () => {
    const { args } = await startedWith({ ACCOUNT_CACHE_TTL_MS: '0' });
    // Each flag once, then the entry as it was started (/proc's cmdline ends with a NUL: the last item is empty).
    expect(args).toEqual([process.execPath, '--max-semi-space-size=32', '--no-allocation-site-pretenuring', ENTRY, '']);
  });

  it('0 keeps V8 own size, and a size in NODE_OPTIONS wins', async () => {
    expect((await startedWith({ YOUNG_GENERATION_SEMI_SPACE_MB: '0' })).args.join(' ')).not.toMatch(/semi-space/);
    const optioned = await startedWith({ NODE_OPTIONS: '--max-semi-space-size=8' });
    expect(optioned.args.join(' ')).not.toMatch(/semi-space/); // NODE_OPTIONS is not on the command line
  });
});

// `npm run load:faults`: concurrent feed-sized _entities requests for a bounded time while a TCP proxy drops
// the database twice. Prints requests sent, succeeded, degraded and failed; checks that no response held a
// real name it should not, and that the database lost nothing. Loopback only; stops by itself.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { startTcpProxy } from '../test/support/tcp-proxy';
import { newRealNameKey } from '../src/crypto/real-name-keys';
import { errorMessage } from '../src/errors';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    connections: { type: 'string', default: '16' },
    accounts: { type: 'string', default: '20000' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const ACCOUNTS = Number(args.accounts);
const SERVER_URL = process.env.LOAD_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const DATABASE = 'identity_labels_load';
const SECRET = 'load-test-router-secret';
const REAL_NAME_KEYS = newRealNameKey('load'); // names encrypted at rest, as production requires
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const ENTRY = join(ROOT, 'dist', 'src', 'index.js');

const realName = (index: number) => `RealName-${index}`;
/** Every tenth account consents; a third are unverified; followers spread over every threshold. */
const consents = (index: number) => index % 10 === 0;
const verified = (index: number) => index % 3 !== 0;

async function prepareDatabase(databaseUrl: string): Promise<void> {
  const admin = await mysql.createConnection(SERVER_URL);
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const folder = mkdtempSync(join(tmpdir(), 'identity-load-'));
  const file = join(folder, 'accounts.ndjson');
  const out = createWriteStream(file);
  for (let index = 0; index < ACCOUNTS; index += 1) {
    const record = {
      userId: `load-${index}`,
      followerCount: (index * 7919) % 2_000_000,
      realName: realName(index),
      verification: verified(index) ? 'VERIFIED' : 'UNVERIFIED',
    };
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const env = { ...process.env, DATABASE_URL: databaseUrl, REAL_NAME_KEYS };
  execFileSync(process.execPath, [CLI, 'migrate'], { env, stdio: 'ignore' });
  execFileSync(process.execPath, [CLI, 'import', file], { env, stdio: 'ignore' });
  rmSync(folder, { recursive: true, force: true });
  const connection = await mysql.createConnection(databaseUrl);
  await connection.query(
    "UPDATE accounts SET consent = 'YES', consent_at = NOW(3) WHERE CAST(SUBSTRING(user_id, 6) AS UNSIGNED) % 10 = 0",
  );
  await connection.end();
}

async function tableChecksum(databaseUrl: string): Promise<string> {
  const connection = await mysql.createConnection(databaseUrl);
  const [rows] = await connection.query('CHECKSUM TABLE accounts, audit_log, notification_outbox, policy_stages');
  await connection.end();
  return JSON.stringify(rows);
}

async function startServer(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [ENTRY], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      ROUTER_SECRET: SECRET,
      REAL_NAME_KEYS,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info', // the readiness line is logged at info
      DB_QUERY_TIMEOUT_MS: '1000',
      DB_CONNECT_TIMEOUT_MS: '1000',
      NOTIFY_INTERVAL_SECONDS: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    if (entry.msg === 'identity-labels subgraph ready') {
      child.stdout!.resume();
      return { child, url: entry.url! };
    }
  }
  throw new Error('the server ended before it was ready');
}

interface Tally {
  sent: number;
  succeeded: number;
  degraded: number;
  failed: number;
  /** Real names shown where they were due: the check below is only meaningful if this is not zero. */
  shown: number;
  leaks: string[];
}

/** A name may appear only for an account that is verified and consented (the viewer is verified). */
function checkPrivacy(text: string, tally: Tally): void {
  for (const match of text.matchAll(/RealName-(\d+)/g)) {
    const index = Number(match[1]);
    if (verified(index) && consents(index)) tally.shown += 1;
    else tally.leaks.push(match[0]);
  }
}

async function drive(url: string, until: number, tally: Tally): Promise<void> {
  while (Date.now() < until) {
    const ids = Array.from({ length: 100 }, () => `load-${Math.floor(Math.random() * ACCOUNTS * 1.05)}`);
    tally.sent += 1;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'router-authorization': SECRET,
          'x-viewer-id': 'load-viewer',
          'x-viewer-verified': 'true',
        },
        body: JSON.stringify({
          query:
            'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { displayName verifiedRealName identityLabel { status restricted } } } }',
          variables: { r: ids.map((id) => ({ __typename: 'User', id, nickname: `nick-${id}` })) },
        }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      checkPrivacy(text, tally);
      const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
      if (response.status !== 200) tally.failed += 1;
      else if (body.errors === undefined) tally.succeeded += 1;
      else if (body.errors.every((error) => error.extensions?.code === 'IDENTITY_UNAVAILABLE')) tally.degraded += 1;
      else tally.failed += 1;
    } catch {
      tally.failed += 1;
    }
  }
}

async function main(): Promise<void> {
  const directUrl = `${SERVER_URL.replace(/\/$/, '')}/${DATABASE}`;
  process.stdout.write(`preparing ${ACCOUNTS} accounts through the import tool...\n`);
  await prepareDatabase(directUrl);
  const before = await tableChecksum(directUrl);

  const target = new URL(SERVER_URL);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 3306));
  const { child, url } = await startServer(proxy.urlFor(directUrl));
  const tally: Tally = { sent: 0, succeeded: 0, degraded: 0, failed: 0, shown: 0, leaks: [] };
  const started = Date.now();
  const until = started + SECONDS * 1000;
  const outage = (atShare: number, seconds: number) =>
    new Promise<void>((resolve) =>
      setTimeout(
        () => {
          process.stdout.write(`  ${((Date.now() - started) / 1000).toFixed(1)}s: database dropped\n`);
          proxy.drop();
          setTimeout(() => {
            proxy.restore();
            process.stdout.write(`  ${((Date.now() - started) / 1000).toFixed(1)}s: database restored\n`);
            resolve();
          }, seconds * 1000);
        },
        SECONDS * 1000 * atShare,
      ),
    );
  process.stdout.write(`driving ${CONNECTIONS} connections for ${SECONDS}s, two outages...\n`);
  await Promise.all([
    ...Array.from({ length: CONNECTIONS }, () => drive(url, until, tally)),
    outage(0.25, SECONDS * 0.1),
    outage(0.6, SECONDS * 0.1),
  ]);
  child.kill('SIGTERM');
  const [exitCode] = await once(child, 'exit');
  await proxy.close();

  const after = await tableChecksum(directUrl);
  const admin = await mysql.createConnection(SERVER_URL);
  await admin.query(`DROP DATABASE ${DATABASE}`);
  await admin.end();

  const lost = before !== after;
  process.stdout.write(
    [
      `requests sent      ${tally.sent}`,
      `  succeeded        ${tally.succeeded}`,
      `  degraded         ${tally.degraded}   (nickname only, IDENTITY_UNAVAILABLE)`,
      `  failed           ${tally.failed}`,
      `real names shown   ${tally.shown}   (where due: verified and consented)`,
      `real names leaked  ${tally.leaks.length}${tally.leaks.length > 0 ? ` (${tally.leaks.slice(0, 5).join(', ')})` : ''}`,
      `database unchanged ${lost ? 'NO' : 'yes'} (CHECKSUM TABLE before and after)`,
      `server exit code   ${exitCode}`,
    ].join('\n') + '\n',
  );
  if (tally.leaks.length > 0 || lost || exitCode !== 0 || tally.succeeded === 0 || tally.shown === 0)
    process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`load:faults: ${errorMessage(error)}\n`);
  process.exitCode = 1;
});

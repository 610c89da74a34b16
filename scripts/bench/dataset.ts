// The benchmark's data: a generated account file, loaded through the real `identity-labels` command (migrate,
// import, notify) so the import is measured as operators run it, then a mix of consent answers and old
// notices set in SQL, so that every disclosure status is present in the table the subgraph reads.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { accountFromRow, SELECT_ACCOUNTS } from '../../src/db/account-rows';
import { decideDisclosure } from '../../src/policy/disclosure';
import type { DisclosureStatus, PolicyStage } from '../../src/policy/types';

const DIST = join(__dirname, '..', '..'); // dist/
const CLI = join(DIST, 'src', 'cli', 'main.js');
const MAX_RSS_PRELOAD = join(__dirname, 'max-rss-preload.js');

export interface CommandRun {
  seconds: number;
  peakRssBytes: number;
  stdout: string;
}

export interface Dataset {
  accounts: number;
  import: CommandRun & { recordsPerSecond: number };
  notify: CommandRun;
  statuses: Record<DisclosureStatus, number>;
}

/** Deterministic, so two runs with the same --accounts benchmark the same table. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = ['current-affairs', 'finance', 'law', 'health', 'entertainment', 'travel', 'games', 'food'];

export function benchUserId(index: number): string {
  return `bench-${index}`;
}

/**
 * One import record. Followers are log-uniform below 100,000 for most accounts; 0.5% (5,000 of a million)
 * have 450,000 to 5,000,000, around and above both default stages. Most large accounts are verified, some
 * unverified or revoked (no real name), so notify makes NOTICE and UNVERIFIED accounts.
 */
function accountRecord(index: number, random: () => number): Record<string, unknown> {
  const large = random() < 0.005;
  const followerCount = large
    ? Math.floor(450_000 + random() * 4_550_000)
    : Math.floor(Math.exp(random() * Math.log(100_000)));
  const verifiedShare = large ? 0.9 : 0.3;
  const roll = random();
  const verification =
    roll < verifiedShare ? 'VERIFIED' : roll < verifiedShare + (1 - verifiedShare) / 2 ? 'UNVERIFIED' : 'REVOKED';
  const record: Record<string, unknown> = {
    userId: benchUserId(index),
    followerCount,
    verification,
    subjectKind: random() < 0.1 ? 'ORGANIZATION' : 'INDIVIDUAL',
    category: CATEGORIES[Math.floor(random() * CATEGORIES.length)],
  };
  if (verification === 'VERIFIED') record.realName = `Bench Real Name ${index}`;
  return record;
}

async function writeAccountsFile(path: string, accounts: number): Promise<void> {
  const random = mulberry32(20261125);
  const out = createWriteStream(path);
  const CHUNK = 10_000;
  for (let start = 0; start < accounts; start += CHUNK) {
    const lines: string[] = [];
    for (let index = start; index < Math.min(start + CHUNK, accounts); index++) {
      lines.push(JSON.stringify(accountRecord(index, random)));
    }
    if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Runs the built `identity-labels` command in its own process; its wall time and peak RSS are the result. */
async function runCommand(
  args: string[],
  databaseUrl: string,
  workDir: string,
  env: Record<string, string>,
): Promise<CommandRun> {
  const rssFile = join(workDir, `max-rss-${args[0]}`);
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, ['--require', MAX_RSS_PRELOAD, CLI, ...args], {
        env: { ...process.env, ...env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', BENCH_MAX_RSS_FILE: rssFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`identity-labels ${args[0]} exited with ${code}:\n${stderr.slice(-2000)}`);
  return { seconds, peakRssBytes: Number(readFileSync(rssFile, 'utf8')), stdout: stdout.trim() };
}

function serverUrl(databaseUrl: string): { server: string; database: string } {
  const url = new URL(databaseUrl);
  const database = url.pathname.replace(/^\//, '');
  if (!/^\w+$/.test(database)) throw new Error('BENCH_DATABASE_URL must name a database ([A-Za-z0-9_]+)');
  url.pathname = '/';
  return { server: url.toString(), database };
}

export async function countAccounts(databaseUrl: string): Promise<number | undefined> {
  const { server, database } = serverUrl(databaseUrl);
  const connection = await mysql.createConnection(server);
  try {
    const [rows] = await connection.query(
      `SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'accounts'`,
      [database],
    );
    if ((rows as unknown[]).length === 0) return undefined;
    const [count] = await connection.query(`SELECT COUNT(*) AS n FROM \`${database}\`.accounts`);
    return Number((count as { n: number }[])[0]?.n ?? 0);
  } finally {
    await connection.end();
  }
}

async function recreateDatabase(databaseUrl: string): Promise<void> {
  const { server, database } = serverUrl(databaseUrl);
  const connection = await mysql.createConnection(server);
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await connection.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

/**
 * Answers for the notified accounts, by a hash of the id: 40% consented (DISCLOSED when verified), 15% refused,
 * 15% notified 60 days ago and never answered (deadline passed: REFUSED, restricted), the rest still in
 * notice. One in a thousand verified accounts below every threshold consents voluntarily. Set in SQL, not
 * through the mutation: this is test data, so no audit rows are written for it.
 */
async function mixAnswers(connection: mysql.Connection): Promise<void> {
  await connection.query(
    `UPDATE accounts SET consent = 'YES', consent_at = UTC_TIMESTAMP(3) WHERE notified_at IS NOT NULL AND CRC32(user_id) % 100 < 40`,
  );
  await connection.query(
    `UPDATE accounts SET consent = 'NO', consent_at = UTC_TIMESTAMP(3) WHERE notified_at IS NOT NULL AND CRC32(user_id) % 100 BETWEEN 40 AND 54`,
  );
  await connection.query(
    `UPDATE accounts SET notified_at = UTC_TIMESTAMP(3) - INTERVAL 60 DAY WHERE notified_at IS NOT NULL AND consent = 'NONE' AND CRC32(user_id) % 100 BETWEEN 55 AND 69`,
  );
  await connection.query(
    `UPDATE accounts SET consent = 'YES', consent_at = UTC_TIMESTAMP(3) WHERE notified_at IS NULL AND verification = 'VERIFIED' AND CRC32(user_id) % 1000 = 0`,
  );
}

async function loadStages(connection: mysql.Connection): Promise<PolicyStage[]> {
  const [rows] = await connection.query(
    'SELECT id, name, min_followers, categories, effective_from, notice_days, mode, retired_at FROM policy_stages',
  );
  return (rows as Record<string, unknown>[]).map((row) => ({
    id: Number(row.id),
    name: String(row.name),
    minFollowers: Number(row.min_followers),
    categories: typeof row.categories === 'string' && row.categories !== '' ? JSON.parse(row.categories) : null,
    effectiveFrom: row.effective_from as Date,
    noticeDays: Number(row.notice_days),
    mode: row.mode as PolicyStage['mode'],
    retiredAt: (row.retired_at as Date | null) ?? null,
  }));
}

/** The status of every account, decided by the service's own policy code (only answered or notified ones can be other than NOT_SUBJECT). */
async function countStatuses(
  connection: mysql.Connection,
  accounts: number,
): Promise<Record<DisclosureStatus, number>> {
  const stages = await loadStages(connection);
  const [rows] = await connection.query(
    `${SELECT_ACCOUNTS} WHERE notified_at IS NOT NULL OR consent <> 'NONE' OR follower_count >= 400000`,
  );
  const statuses: Record<DisclosureStatus, number> = {
    NOT_SUBJECT: 0,
    NOTICE: 0,
    DISCLOSED: 0,
    REFUSED: 0,
    UNVERIFIED: 0,
  };
  const now = new Date();
  for (const row of rows as Parameters<typeof accountFromRow>[0][]) {
    statuses[decideDisclosure(accountFromRow(row), stages, now, { hysteresisRatio: 0.9 }).status] += 1;
  }
  statuses.NOT_SUBJECT += accounts - (rows as unknown[]).length;
  return statuses;
}

/** Fills the database through the command; `env` is the command's extra environment (REAL_NAME_KEYS). */
export async function fillDatabase(
  databaseUrl: string,
  accounts: number,
  log: (line: string) => void,
  env: Record<string, string>,
): Promise<Dataset> {
  const workDir = mkdtempSync(join(tmpdir(), 'identity-labels-bench-'));
  try {
    const file = join(workDir, 'accounts.ndjson');
    log(`writing ${accounts.toLocaleString('en')} account records to ${file}`);
    await writeAccountsFile(file, accounts);
    await recreateDatabase(databaseUrl);
    await runCommand(['migrate'], databaseUrl, workDir, env);
    log('identity-labels import (its own process: wall time and peak RSS are measured)');
    const imported = await runCommand(['import', '--no-notify', file], databaseUrl, workDir, env);
    log('identity-labels notify');
    const notify = await runCommand(['notify'], databaseUrl, workDir, env);
    const connection = await mysql.createConnection({ uri: databaseUrl, timezone: 'Z' });
    try {
      await mixAnswers(connection);
      await connection.query('ANALYZE TABLE accounts');
      return {
        accounts,
        import: { ...imported, recordsPerSecond: accounts / imported.seconds },
        notify,
        statuses: await countStatuses(connection, accounts),
      };
    } finally {
      await connection.end();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** For --reuse-database: the statuses of the table as it is. */
export async function describeDatabase(
  databaseUrl: string,
  accounts: number,
): Promise<Record<DisclosureStatus, number>> {
  const connection = await mysql.createConnection({ uri: databaseUrl, timezone: 'Z' });
  try {
    return await countStatuses(connection, accounts);
  } finally {
    await connection.end();
  }
}

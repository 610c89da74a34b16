// An import stopped partway (Ctrl-C, the database gone) says how far it got, and running the same import
// again finishes the job: imports are idempotent.
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { runCli, startCli, type CliResult, type RunningCli } from '../../support/cli';
import { connectTo, useDatabaseProxy, useTestDatabase } from '../../support/database';
import { onTeardown } from '../../support/teardown';
import { TEST_REAL_NAME_KEYS } from '../../support/real-names';

const database = useTestDatabase();
const proxy = useDatabaseProxy();
let dataSource: DataSource;
let folder: string;
let env: Record<string, string>;

const RECORDS = 60_000;
let path: string;

beforeAll(async () => {
  env = { DATABASE_URL: database.url, REAL_NAME_KEYS: TEST_REAL_NAME_KEYS };
  folder = mkdtempSync(join(tmpdir(), 'identity-interrupted-'));
  expect((await runCli(['migrate'], env)).code).toBe(0);
  dataSource = await connectTo(database, 2);
  path = join(folder, 'accounts.ndjson');
  const out = createWriteStream(path);
  for (let index = 0; index < RECORDS; index += 1) {
    const line = `{"userId":"i-${String(index).padStart(6, '0')}","followerCount":${index * 20},"realName":"Person ${index}","verification":"VERIFIED"}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
});
onTeardown(async () => {
  await dataSource?.destroy();
  rmSync(folder, { recursive: true, force: true });
});

const stored = async () => Number((await dataSource.query('SELECT COUNT(*) AS n FROM accounts'))[0].n);

/** Runs the import in its own process and calls `meanwhile` once some of it is stored. */
async function importWhile(
  importEnv: Record<string, string>,
  meanwhile: (child: RunningCli['child']) => void,
): Promise<CliResult> {
  const running = startCli(['import', '--no-notify', '--batch-size', '500', path], importEnv);
  while ((await stored()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  meanwhile(running.child);
  return running.result;
}

function stoppedAfter(result: CliResult, how: 'interrupted' | 'stopped'): number {
  const match = new RegExp(`\\(${how} after line (\\d+)\\)`).exec(result.stdout);
  expect(match).not.toBeNull();
  return Number(match?.[1]);
}

afterEach(async () => {
  await dataSource.query('DELETE FROM audit_log');
  await dataSource.query('DELETE FROM accounts');
});

it('Ctrl-C stops after the batch in hand, says how far it got, and the same import finishes the job', async () => {
  const result = await importWhile(env, (child) => child.kill('SIGINT'));
  expect(result.code).toBe(130);
  const line = stoppedAfter(result, 'interrupted');
  expect(line).toBeLessThan(RECORDS);
  expect(result.stderr).toContain(
    `${path}: lines 1-${line} are stored, nothing after line ${line} is. Run the same import again to finish it`,
  );
  expect(await stored()).toBe(line); // one record a line: exactly the lines it reported

  const again = await runCli(['import', '--no-notify', path], env);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain(
    `${(RECORDS - line).toLocaleString('en')} inserted, 0 updated, ${line.toLocaleString('en')} unchanged, 0 rejected`,
  );
  expect(await stored()).toBe(RECORDS);
});

it('a lost database stops it with how far it got (after retrying); the same import then finishes the job', async () => {
  const result = await importWhile({ ...env, DATABASE_URL: proxy.urlFor(database.url) }, () => proxy.drop());
  proxy.restore();
  expect(result.code).toBe(1);
  const line = stoppedAfter(result, 'stopped');
  expect(result.stderr).toMatch(new RegExp(`${path}: the import failed: .+`));
  if (line > 0) expect(result.stderr).toContain(`Run the same import again to finish it`);
  expect(await stored()).toBeGreaterThanOrEqual(line); // a commit whose answer was lost may be there too

  const again = await runCli(['import', '--no-notify', path], env);
  expect(again.code).toBe(0);
  expect(await stored()).toBe(RECORDS);
  const audited = await dataSource.query('SELECT user_id, COUNT(*) AS n FROM audit_log GROUP BY user_id HAVING n > 1');
  expect(audited).toEqual([]); // nothing stored twice
  expect(Number((await dataSource.query('SELECT COUNT(*) AS n FROM audit_log'))[0].n)).toBeGreaterThan(0);
});

#!/usr/bin/env node
// `identity-labels`: the command-line tool for getting identity data in and keeping it true.
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../config';
import { planAddition, planRetirement } from '../policy-admin/plan-stage-change';
import {
  addStage,
  policyChanges,
  removeStage,
  retireStage,
  type NewPolicyStage,
} from '../policy-admin/policy-stage-admin';
import { loadPolicyStages } from '../db/policy-stages';
import { auditEntriesOf } from '../db/audit-log';
import { errorMessage, ExpectedFailure } from '../errors';
import { IpDatabase } from '../ip-location/ip-database';
import { notifyAccounts } from '../notify/notify-accounts';
import { MAX_STAGE_NAME_LENGTH } from '../policy/stage-rules';
import { ChangeFeed } from '../changes/change-feed';
import { runMigrationsInTurn } from '../db/data-source';
import { CommandError, commandLog, openCommandDatabase } from './database';
import { runImport } from './import-command';
import { runIpLocationImport } from './ip-locations-command';
import { categoryList, confirmed, describeImpact, describeStage } from './policy-command';
import { notifyProgress } from './progress';
import { printKeyStatus, printNewKey, runReencrypt } from './keys-command';

/** The version in the nearest package.json above this file (it runs from src/cli/ and dist/src/cli/). */
function packageVersion(): string {
  let directory = __dirname;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return 'unknown';
    directory = parent;
  }
  return (JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { version: string }).version;
}

function wholeNumber(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

function isoDate(value: string): Date {
  // A date-time without a zone is UTC, as the help says (JavaScript would read it in local time).
  const zoned = /T.*(Z|[+-]\d{2}:?\d{2})$/i.test(value) || !value.includes('T') ? value : `${value}Z`;
  const date = new Date(zoned);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(`expected a date such as 2026-01-01 or 2026-01-01T00:00:00+08:00, got "${value}"`);
  }
  return date;
}

function formatOption(): Option {
  return new Option('--format <format>', 'record format, instead of guessing from the extension').choices([
    'ndjson',
    'csv',
  ]);
}

/**
 * Runs one command on the database and closes it, whatever happens. What it changes, it tells the running
 * servers through `changes` (REDIS_URL), which waits for those messages to go out before the command exits.
 */
async function withDatabase<T>(
  run: (dataSource: DataSource, config: Config, changes: ChangeFeed) => Promise<T>,
  requireMigrated = true,
): Promise<T> {
  const config = loadConfig();
  const dataSource = await openCommandDatabase(config, requireMigrated);
  const changes = new ChangeFeed({ url: config.redisUrl, channel: config.redisChannel, log: commandLog() });
  try {
    return await run(dataSource, config, changes);
  } finally {
    await changes.close();
    await dataSource.destroy();
  }
}

/** A stage added, retired or removed: the servers load the stages again and forget every cached row. */
function announcePolicyChange(changes: ChangeFeed): () => void {
  return () => void changes.announce({ all: true, policy: true });
}

/** A committed change to these accounts, told to the running servers. */
function tellServers(changes: ChangeFeed) {
  return (userIds: readonly string[]) => void changes.announce({ userIds });
}

async function runNotify(dataSource: DataSource, config: Config, changes: ChangeFeed, cause: string): Promise<void> {
  const result = await notifyAccounts(dataSource, {
    stages: await loadPolicyStages(dataSource),
    rules: { hysteresisRatio: config.hysteresisRatio },
    now: new Date(),
    cause,
    onProgress: notifyProgress(process.stderr),
    onCommitted: tellServers(changes),
  });
  process.stdout.write(`notify: ${result.notified} notified, ${result.withdrawn} notices withdrawn\n`);
}

export function buildProgram(): Command {
  const program = new Command('identity-labels')
    .description('Manage the identity-labels database: accounts, policy stages, notices and the audit log.')
    .addHelpText('after', '\nConfiguration comes from the environment, as for the server (DATABASE_URL=mysql://...).')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError();

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(() =>
      withDatabase(async (dataSource) => {
        const applied = await runMigrationsInTurn(dataSource);
        process.stdout.write(
          applied.length === 0 ? 'migrations: up to date\n' : `migrations: applied ${applied.join(', ')}\n`,
        );
      }, false),
    );

  program
    .command('import')
    .description('load account records from NDJSON or CSV files ("-" for standard input), then run notify')
    .argument('<files...>', '.ndjson/.jsonl or .csv files, or - for standard input (NDJSON unless --format)')
    .addOption(formatOption())
    .option('--batch-size <n>', 'records per transaction', wholeNumber('--batch-size'), 2000)
    .option('--no-notify', 'do not run notify after the import')
    .addHelpText(
      'after',
      '\nEach record has userId and any of followerCount, realName, verification (VERIFIED|UNVERIFIED|REVOKED),\n' +
        'subjectKind (INDIVIDUAL|ORGANIZATION), category. Absent fields are left as they are.\n' +
        'Bad records are reported as FILE:LINE: reason; good ones are still stored; the exit code is 1 if any was bad.\n' +
        'Imports are idempotent: stopped partway (Ctrl-C, a lost database), run the same import again to finish it.\n\n' +
        'Example:\n  identity-labels import accounts.csv\n  zcat accounts.ndjson.gz | identity-labels import -',
    )
    .action((files: string[], options: { format?: 'ndjson' | 'csv'; batchSize: number; notify: boolean }) =>
      withDatabase(async (dataSource, config, changes) => {
        // The first Ctrl-C stops the import after the batch it is storing, and reports; a second one kills it
        // (its open transaction then rolls back).
        const interrupt = new AbortController();
        const onInterrupt = () => interrupt.abort();
        process.once('SIGINT', onInterrupt);
        const { total, interrupted } = await runImport(dataSource, config, files, {
          ...options,
          signal: interrupt.signal,
          onCommitted: tellServers(changes),
        }).finally(() => process.off('SIGINT', onInterrupt));
        if (interrupted) {
          process.exitCode = 130;
          return;
        }
        if (options.notify) await runNotify(dataSource, config, changes, `command import`);
        if (total.rejected > 0) process.exitCode = 1;
      }),
    );

  program
    .command('ip-locations')
    .description('where posts were made from (IP属地)')
    .command('import')
    .description('backfill post locations from NDJSON or CSV files ("-" for standard input)')
    .argument('<files...>', '.ndjson/.jsonl or .csv files, or - for standard input (NDJSON unless --format)')
    .addOption(formatOption())
    .option('--batch-size <n>', 'records per transaction (at most 10000)', wholeNumber('--batch-size'), 1000)
    .addHelpText(
      'after',
      '\nEach record has postId, userId, ip (IPv4 or IPv6) and at (ISO 8601 with a zone): a CSV header names\n' +
        'exactly these. The address is looked up in the IP database (IP_DATABASE_PATH...) and never stored.\n' +
        'A post already recorded keeps its location. Bad records are reported as FILE:LINE: reason; good ones\n' +
        'are still stored; the exit code is 1 if any was bad.\n\n' +
        'Example:\n  identity-labels ip-locations import posts-2025.csv',
    )
    .action((files: string[], options: { format?: 'ndjson' | 'csv'; batchSize: number }) =>
      withDatabase(async (dataSource, config) => {
        if (options.batchSize < 1 || options.batchSize > 10_000) {
          throw new CommandError('--batch-size must be between 1 and 10000', 'USAGE');
        }
        const database = IpDatabase.open(config.ipLocation.databasePaths);
        const total = await runIpLocationImport(dataSource, database, files, options);
        if (total.rejected > 0) process.exitCode = 1;
      }),
    );

  const policy = program.command('policy').description('list, add, retire and remove policy stages; their history');
  policy
    .command('list')
    .description('the stages: in force, scheduled or retired')
    .action(() =>
      withDatabase(async (dataSource) => {
        const now = new Date();
        for (const stage of await loadPolicyStages(dataSource)) process.stdout.write(`${describeStage(stage, now)}\n`);
      }),
    );
  policy
    .command('add')
    .description('add a stage: shows what it would do, and applies it with --yes')
    .requiredOption('--name <name>', `a unique name, up to ${MAX_STAGE_NAME_LENGTH} characters`)
    .requiredOption(
      '--min-followers <n>',
      'accounts with at least this many followers are subject',
      wholeNumber('--min-followers'),
    )
    .requiredOption('--from <date>', 'when the stage comes into force (ISO 8601; without a zone, UTC)', isoDate)
    .option('--categories <list>', 'comma-separated content categories (default: all)', categoryList)
    .option('--notice-days <n>', 'days between the notice and the deadline', wholeNumber('--notice-days'), 13)
    .addOption(
      new Option('--mode <mode>', 'consent: shown once the account consents; mandatory: shown at the deadline')
        .choices(['consent', 'mandatory'])
        .default('consent'),
    )
    .option('--allow-past-start', 'accept a --from in the past: the stage is in force at once')
    .option('--dry-run', 'only show what the stage would do')
    .option('--yes', 'apply it (without, nothing changes)')
    .addHelpText(
      'after',
      '\nA mandatory stage needs at least MIN_MANDATORY_NOTICE_DAYS notice days (default 7). A stage in force is never\n' +
        'removed; `policy retire` ends it.\n\n' +
        'Example:\n  identity-labels policy add --name finance-2027 --min-followers 100000 --from 2027-01-01 --categories finance,law --mode mandatory --yes',
    )
    .action(
      (options: {
        name: string;
        minFollowers: number;
        from: Date;
        categories?: string[];
        noticeDays: number;
        mode: string;
        allowPastStart?: boolean;
        dryRun?: boolean;
        yes?: boolean;
      }) =>
        withDatabase(async (dataSource, config, changes) => {
          const now = new Date();
          const stage: NewPolicyStage = {
            name: options.name,
            minFollowers: options.minFollowers,
            categories: options.categories ?? null,
            effectiveFrom: options.from,
            noticeDays: options.noticeDays,
            mode: options.mode === 'mandatory' ? 'MANDATORY' : 'CONSENT',
          };
          const rules = {
            minMandatoryNoticeDays: config.minMandatoryNoticeDays,
            allowPastStart: !!options.allowPastStart,
            hysteresisRatio: config.hysteresisRatio,
          };
          const plan = await planAddition(dataSource, stage, rules, now);
          process.stdout.write(`${describeStage(plan.stage, now)}\n`);
          process.stdout.write(describeImpact(plan.impact, plan.at, 'add'));
          if (!confirmed(options, 'add')) return;
          const cause = 'command policy add';
          const onCommitted = announcePolicyChange(changes);
          const added = await addStage(dataSource, stage, rules, { now, cause, onCommitted });
          process.stdout.write(`policy: added stage "${added.name}" from ${added.effectiveFrom.toISOString()}\n`);
        }),
    );
  policy
    .command('retire')
    .description('end a stage from a time on (default now): it governs nobody from then on; shows what it would do')
    .argument('<name>')
    .option('--at <date>', 'when the stage stops governing (ISO 8601; without a zone, UTC; default: now)', isoDate)
    .option('--dry-run', 'only show what retiring it would do')
    .option('--yes', 'apply it (without, nothing changes)')
    .addHelpText(
      'after',
      '\nFrom then on, the accounts it made subject drop out: notify withdraws their notices (NOTICE_WITHDRAWN), and\n' +
        'their names are hidden again unless they consented or disclosed voluntarily, or another stage governs them.',
    )
    .action((name: string, options: { at?: Date; dryRun?: boolean; yes?: boolean }) =>
      withDatabase(async (dataSource, config, changes) => {
        const now = new Date();
        const at = options.at ?? now;
        const plan = await planRetirement(dataSource, name, at, { hysteresisRatio: config.hysteresisRatio }, now);
        process.stdout.write(describeImpact(plan.impact, at, 'retire'));
        if (!confirmed(options, 'retire')) return;
        const cause = `command policy retire ${name}`;
        await retireStage(dataSource, name, at, { now, cause, onCommitted: announcePolicyChange(changes) });
        process.stdout.write(`policy: retired stage "${name}" from ${at.toISOString()}\n`);
        // Retired now: withdraw its notices at once rather than at the next notify run.
        if (at.getTime() <= Date.now()) await runNotify(dataSource, config, changes, cause);
      }),
    );
  policy
    .command('remove')
    .description('remove a stage that has never been in force (one that has stays as history: retire it)')
    .argument('<name>')
    .action((name: string) =>
      withDatabase(async (dataSource, _config, changes) => {
        const context = { now: new Date(), cause: 'command policy remove', onCommitted: announcePolicyChange(changes) };
        await removeStage(dataSource, name, context);
        process.stdout.write(`policy: removed stage "${name}"\n`);
      }),
    );
  policy
    .command('history')
    .description('every change of the policy, oldest first')
    .action(() =>
      withDatabase(async (dataSource) => {
        const changes = await policyChanges(dataSource);
        if (changes.length === 0) process.stdout.write('no policy changes recorded\n');
        for (const change of changes) {
          process.stdout.write(
            `${change.at.toISOString()}  ${change.action.padEnd(8)} ${change.stageName}  (${change.cause})\n`,
          );
        }
      }),
    );

  program
    .command('notify')
    .description('notify accounts that became subject, withdraw notices from those that fell out of scope')
    .action(() =>
      withDatabase((dataSource, config, changes) => runNotify(dataSource, config, changes, 'command notify')),
    );

  const keys = program
    .command('keys')
    .description('the keys real names are encrypted with at rest (REAL_NAME_KEYS): generate, status, encrypt, rotate');
  keys
    .command('generate')
    .description('print a new REAL_NAME_KEYS entry, keyId:base64 (keep it in a secret store)')
    .option('--id <keyId>', 'its key id: 1-32 letters, digits, "_" or "-"', 'k1')
    .action((options: { id: string }) => printNewKey(options.id));
  keys
    .command('status')
    .description('how many stored names are plain text, and how many are under each key')
    .action(() => withDatabase(printKeyStatus));
  keys
    .command('encrypt')
    .description('encrypt the names still stored as plain text, under the current (first) key; resumable')
    .option('--batch-size <n>', 'names per transaction', wholeNumber('--batch-size'), 500)
    .action((options: { batchSize: number }) =>
      withDatabase((dataSource, config) => runReencrypt(dataSource, config, 'plain', options.batchSize)),
    );
  keys
    .command('rotate')
    .description('re-encrypt every name not under the current (first) key, plain ones included; resumable')
    .option('--batch-size <n>', 'names per transaction', wholeNumber('--batch-size'), 500)
    .addHelpText(
      'after',
      '\nPut the new key first in REAL_NAME_KEYS, keep the old ones after it, restart the servers, then run this.\n' +
        'Once `keys status` shows no name under an old key, remove that key from REAL_NAME_KEYS.',
    )
    .action((options: { batchSize: number }) =>
      withDatabase((dataSource, config) => runReencrypt(dataSource, config, 'not-current', options.batchSize)),
    );

  program
    .command('audit')
    .description("an account's disclosure history, oldest first")
    .argument('<userId>')
    .action((userId: string) =>
      withDatabase(async (dataSource) => {
        const entries = await auditEntriesOf(dataSource, userId);
        if (entries.length === 0) process.stdout.write(`no audit entries for ${userId}\n`);
        for (const entry of entries) {
          const stage = entry.stageName === null ? '' : `  stage ${entry.stageName}`;
          process.stdout.write(
            `${entry.at.toISOString()}  ${entry.event.padEnd(18)} ${entry.oldStatus} -> ${entry.newStatus}${stage}  (${entry.cause})\n`,
          );
        }
      }),
    );
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    // An expected failure carries its exit code; anything else is a bug, reported the same way with 1.
    process.stderr.write(`identity-labels: ${errorMessage(error)}\n`);
    process.exitCode = error instanceof ExpectedFailure ? error.exitCode : 1;
  }
}

if (require.main === module) void main(process.argv);

#!/usr/bin/env node
// `identity-labels`: the command-line tool for getting identity data in and keeping it true.
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { DataSource } from 'typeorm';
import { ConfigError, loadConfig, type Config } from '../config';
import { addStage, PolicyAdminError, removeStage } from '../db/policy-stage-admin';
import { loadPolicyStages } from '../db/policy-stages';
import { AuditLogTable } from '../db/tables';
import { errorMessage } from '../errors';
import { IpDatabase, IpDatabaseError } from '../ip-location/ip-database';
import { notifyAccounts } from '../notify/notify-accounts';
import { stageIsInForce } from '../policy/disclosure';
import { CommandError, openCommandDatabase } from './database';
import { runImport } from './import-command';
import { runIpLocationImport } from './ip-locations-command';
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

/** Runs one command on the database and closes it, whatever happens. */
async function withDatabase<T>(
  run: (dataSource: DataSource, config: Config) => Promise<T>,
  requireMigrated = true,
): Promise<T> {
  const config = loadConfig();
  const dataSource = await openCommandDatabase(config, requireMigrated);
  try {
    return await run(dataSource, config);
  } finally {
    await dataSource.destroy();
  }
}

async function runNotify(dataSource: DataSource, config: Config, cause: string): Promise<void> {
  const result = await notifyAccounts(dataSource, {
    stages: await loadPolicyStages(dataSource),
    rules: { hysteresisRatio: config.hysteresisRatio },
    now: new Date(),
    cause,
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
        const applied = await dataSource.runMigrations();
        process.stdout.write(
          applied.length === 0
            ? 'migrations: up to date\n'
            : `migrations: applied ${applied.map((m) => m.name).join(', ')}\n`,
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
        'Bad records are reported as FILE:LINE: reason; good ones are still stored; the exit code is 1 if any was bad.\n\n' +
        'Example:\n  identity-labels import accounts.csv\n  zcat accounts.ndjson.gz | identity-labels import -',
    )
    .action((files: string[], options: { format?: 'ndjson' | 'csv'; batchSize: number; notify: boolean }) =>
      withDatabase(async (dataSource, config) => {
        const { total } = await runImport(dataSource, config, files, options);
        if (options.notify) await runNotify(dataSource, config, `command import`);
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
          throw new CommandError('--batch-size must be between 1 and 10000', 2);
        }
        const database = IpDatabase.open(config.ipLocation.databasePaths);
        const total = await runIpLocationImport(dataSource, database, files, options);
        if (total.rejected > 0) process.exitCode = 1;
      }),
    );

  const policy = program.command('policy').description('list, add and remove policy stages');
  policy
    .command('list')
    .description('the stages, in force or scheduled')
    .action(() =>
      withDatabase(async (dataSource) => {
        const now = new Date();
        for (const stage of await loadPolicyStages(dataSource)) {
          process.stdout.write(
            [
              stage.name.padEnd(16),
              `>= ${stage.minFollowers.toLocaleString('en')} followers`.padEnd(26),
              `from ${stage.effectiveFrom.toISOString()}`,
              `${stage.noticeDays} notice days`,
              stage.mode,
              stage.categories === null ? 'all categories' : `categories: ${stage.categories.join(', ')}`,
              stageIsInForce(stage, now) ? 'in force' : 'scheduled',
            ].join('  ') + '\n',
          );
        }
      }),
    );
  policy
    .command('add')
    .description('add a stage (it takes effect in the server within POLICY_REFRESH_SECONDS)')
    .requiredOption('--name <name>', 'a unique name, up to 64 characters')
    .requiredOption(
      '--min-followers <n>',
      'accounts with at least this many followers are subject',
      wholeNumber('--min-followers'),
    )
    .requiredOption('--from <date>', 'when the stage comes into force (ISO 8601; without a zone, UTC)', isoDate)
    .option('--categories <list>', 'comma-separated content categories (default: all)', (value: string) =>
      value
        .split(',')
        .map((category) => category.trim())
        .filter(Boolean),
    )
    .option('--notice-days <n>', 'days between the notice and the deadline', wholeNumber('--notice-days'), 13)
    .addOption(
      new Option('--mode <mode>', 'consent: shown once the account consents; mandatory: shown at the deadline')
        .choices(['consent', 'mandatory'])
        .default('consent'),
    )
    .addHelpText(
      'after',
      '\nExample:\n  identity-labels policy add --name finance-2027 --min-followers 100000 --from 2027-01-01 --categories finance,law --mode mandatory',
    )
    .action(
      (options: {
        name: string;
        minFollowers: number;
        from: Date;
        categories?: string[];
        noticeDays: number;
        mode: string;
      }) =>
        withDatabase(async (dataSource) => {
          if (options.name.length > 64) throw new CommandError('--name must be at most 64 characters', 2);
          const stage = await addStage(dataSource, {
            name: options.name,
            minFollowers: options.minFollowers,
            categories: options.categories ?? null,
            effectiveFrom: options.from,
            noticeDays: options.noticeDays,
            mode: options.mode === 'mandatory' ? 'MANDATORY' : 'CONSENT',
          });
          process.stdout.write(`policy: added stage "${stage.name}" from ${stage.effectiveFrom.toISOString()}\n`);
        }),
    );
  policy
    .command('remove')
    .description('remove a scheduled stage (a stage already in force stays as history)')
    .argument('<name>')
    .action((name: string) =>
      withDatabase(async (dataSource) => {
        await removeStage(dataSource, name, new Date());
        process.stdout.write(`policy: removed stage "${name}"\n`);
      }),
    );

  program
    .command('notify')
    .description('notify accounts that became subject, withdraw notices from those that fell out of scope')
    .action(() => withDatabase((dataSource, config) => runNotify(dataSource, config, 'command notify')));

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
        const entries = await dataSource.getRepository(AuditLogTable).find({ where: { userId }, order: { id: 'ASC' } });
        if (entries.length === 0) process.stdout.write(`no audit entries for ${userId}\n`);
        for (const entry of entries) {
          process.stdout.write(
            `${entry.at.toISOString()}  ${entry.event.padEnd(18)} ${entry.oldStatus} -> ${entry.newStatus}  (${entry.cause})\n`,
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
    if (
      error instanceof ConfigError ||
      error instanceof CommandError ||
      error instanceof PolicyAdminError ||
      error instanceof IpDatabaseError
    ) {
      process.stderr.write(`identity-labels: ${error.message}\n`);
      process.exitCode = error instanceof CommandError ? error.exitCode : error instanceof ConfigError ? 2 : 1;
      return;
    }
    process.stderr.write(`identity-labels: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main(process.argv);

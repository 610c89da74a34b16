// `identity-labels policy ...`: what a policy change would do is shown before it is made, and it is made only
// when asked for with --yes. One typo in a stage must not disclose everyone. The checks and the preview are
// the use case's (src/policy-admin/); this module reads the options, prints, and asks for --yes.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadPolicyStages } from '../db/policy-stages';
import type { ChangeFeed } from '../changes/change-feed';
import { planAddition, planRetirement } from '../policy-admin/plan-stage-change';
import {
  addStage,
  policyChanges,
  removeStage,
  retireStage,
  type NewPolicyStage,
} from '../policy-admin/policy-stage-admin';
import { MAX_MIN_FOLLOWERS, MAX_NOTICE_DAYS, MAX_STAGE_NAME_LENGTH } from '../policy/stage-rules';
import type { CommandIo } from './command-io';
import type { CommandDatabase } from './database';
import { runNotify } from './notify-command';
import { categoryList, isoDate, wholeNumber } from './options';
import { describeChange, describeImpact, describeStage } from './policy-output';

interface AddOptions {
  name: string;
  minFollowers: number;
  from: Date;
  categories?: string[];
  noticeDays: number;
  mode: string;
  allowPastStart?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

interface RetireOptions {
  at?: Date;
  dryRun?: boolean;
  yes?: boolean;
}

/**
 * --at: a retirement cannot reach back (what was shown was shown). Refused as it is read, a wrong argument like
 * a malformed date, before the database is opened; the use case refuses it too (retirement()).
 */
function retirementTime(value: string): Date {
  const at = isoDate(value);
  if (at.getTime() < Date.now()) {
    throw new InvalidArgumentError(
      `${at.toISOString()} is in the past: a stage cannot be retired in the past, what was shown was shown ` +
        '(leave --at out to retire it now)',
    );
  }
  return at;
}

/** A stage added, retired or removed: the servers load the stages again and forget every cached row. */
function announcePolicyChange(changes: ChangeFeed): () => void {
  return () => void changes.announce({ all: true, policy: true });
}

/** True with --yes; otherwise says that nothing changed, and how to apply it (exit code 1 unless --dry-run). */
function confirmed(io: CommandIo, options: { yes?: boolean; dryRun?: boolean }, action: 'add' | 'retire'): boolean {
  if (options.yes && !options.dryRun) return true;
  if (options.dryRun) {
    io.stdout.write('dry run: nothing changed\n');
  } else {
    io.stderr.write(`nothing changed: run the same command with --yes to ${action} it\n`);
    io.setExitCode(1);
  }
  return false;
}

function stageOf(options: AddOptions): NewPolicyStage {
  return {
    name: options.name,
    minFollowers: options.minFollowers,
    categories: options.categories ?? null,
    effectiveFrom: options.from,
    noticeDays: options.noticeDays,
    mode: options.mode === 'mandatory' ? 'MANDATORY' : 'CONSENT',
  };
}

async function previewThenAdd(io: CommandIo, { dataSource, config, changes }: CommandDatabase, options: AddOptions) {
  const now = new Date();
  const stage = stageOf(options);
  const rules = {
    minMandatoryNoticeDays: config.minMandatoryNoticeDays,
    allowPastStart: !!options.allowPastStart,
    hysteresisRatio: config.hysteresisRatio,
  };
  const plan = await planAddition(dataSource, stage, rules, now);
  io.stdout.write(`${describeStage(plan.stage, now)}\n`);
  io.stdout.write(describeImpact(plan.impact, plan.at, 'add'));
  if (!confirmed(io, options, 'add')) return;
  const cause = 'command policy add';
  const added = await addStage(dataSource, stage, rules, { now, cause, onCommitted: announcePolicyChange(changes) });
  io.stdout.write(`policy: added stage "${added.name}" from ${added.effectiveFrom.toISOString()}\n`);
}

async function previewThenRetire(io: CommandIo, database: CommandDatabase, name: string, options: RetireOptions) {
  const { dataSource, config, changes } = database;
  const now = new Date();
  const at = options.at ?? now;
  const plan = await planRetirement(dataSource, name, at, { hysteresisRatio: config.hysteresisRatio }, now);
  io.stdout.write(describeImpact(plan.impact, at, 'retire'));
  if (!confirmed(io, options, 'retire')) return;
  const cause = `command policy retire ${name}`;
  await retireStage(dataSource, name, at, { now, cause, onCommitted: announcePolicyChange(changes) });
  io.stdout.write(`policy: retired stage "${name}" from ${at.toISOString()}\n`);
  // Retired now: withdraw its notices at once rather than at the next notify run.
  if (at.getTime() <= Date.now()) await runNotify(io, database, cause);
}

function registerList(policy: Command, io: CommandIo): void {
  policy
    .command('list')
    .description('the stages: in force, scheduled or retired')
    .action(() =>
      io.withDatabase(async ({ dataSource }) => {
        const now = new Date();
        for (const stage of await loadPolicyStages(dataSource)) io.stdout.write(`${describeStage(stage, now)}\n`);
      }),
    );
}

function registerAdd(policy: Command, io: CommandIo): void {
  policy
    .command('add')
    .description('add a stage: shows what it would do, and applies it with --yes')
    .requiredOption('--name <name>', `a unique name, up to ${MAX_STAGE_NAME_LENGTH} characters`)
    .requiredOption(
      '--min-followers <n>',
      'accounts with at least this many followers are subject',
      wholeNumber('--min-followers', 0, MAX_MIN_FOLLOWERS),
    )
    .requiredOption('--from <date>', 'when the stage comes into force (ISO 8601; without a zone, UTC)', isoDate)
    .option('--categories <list>', 'comma-separated content categories (default: all)', categoryList)
    .option(
      '--notice-days <n>',
      'days between the notice and the deadline',
      wholeNumber('--notice-days', 0, MAX_NOTICE_DAYS),
      13,
    )
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
    .action((options: AddOptions) => io.withDatabase((database) => previewThenAdd(io, database, options)));
}

function registerRetire(policy: Command, io: CommandIo): void {
  policy
    .command('retire')
    .description('end a stage from a time on (default now): it governs nobody from then on; shows what it would do')
    .argument('<name>')
    .option(
      '--at <date>',
      'when the stage stops governing, not before now (ISO 8601; without a zone, UTC; default: now)',
      retirementTime,
    )
    .option('--dry-run', 'only show what retiring it would do')
    .option('--yes', 'apply it (without, nothing changes)')
    .addHelpText(
      'after',
      '\nFrom then on, the accounts it made subject drop out: notify withdraws their notices (NOTICE_WITHDRAWN), and\n' +
        'their names are hidden again unless they consented or disclosed voluntarily, or another stage governs them.',
    )
    .action((name: string, options: RetireOptions) =>
      io.withDatabase((database) => previewThenRetire(io, database, name, options)),
    );
}

function registerRemove(policy: Command, io: CommandIo): void {
  policy
    .command('remove')
    .description('remove a stage that has never been in force (one that has stays as history: retire it)')
    .argument('<name>')
    .action((name: string) =>
      io.withDatabase(async ({ dataSource, changes }) => {
        const context = { now: new Date(), cause: 'command policy remove', onCommitted: announcePolicyChange(changes) };
        await removeStage(dataSource, name, context);
        io.stdout.write(`policy: removed stage "${name}"\n`);
      }),
    );
}

function registerHistory(policy: Command, io: CommandIo): void {
  policy
    .command('history')
    .description('every change of the policy, oldest first')
    .action(() =>
      io.withDatabase(async ({ dataSource }) => {
        const changes = await policyChanges(dataSource);
        if (changes.length === 0) io.stdout.write('no policy changes recorded\n');
        for (const change of changes) io.stdout.write(`${describeChange(change)}\n`);
      }),
    );
}

export function register(program: Command, io: CommandIo): void {
  const policy = program.command('policy').description('list, add, retire and remove policy stages; their history');
  registerList(policy, io);
  registerAdd(policy, io);
  registerRetire(policy, io);
  registerRemove(policy, io);
  registerHistory(policy, io);
}

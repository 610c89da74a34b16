// `identity-labels import FILE...`: loads account records, reports every bad one, then runs notify. Stopped
// partway (Ctrl-C, a lost database), it says how far it got: running the same import again finishes the job.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { hasTombstones } from '../db/erasures';
import { loadPolicyStages } from '../db/policy-stages';
import { RealNames } from '../real-names/real-names';
import { errorForLog } from '../errors';
import {
  addCounts,
  ImportStopped,
  type BatchOptions,
  type ImportProgress,
  type ImportTally,
} from '../import/batched-import';
import { emptyCounts, importAccounts, type ImportCounts } from '../import/import-accounts';
import { formatOf, readRecords, RecordSourceError, type RecordFormat } from '../import/records';
import type { CommandIo } from './command-io';
import { CommandError, tellServers, type CommandDatabase } from './database';
import { runNotify } from './notify-command';
import { batchSize, formatOption, whole } from './options';
import { startProgress } from './progress';

export interface ImportCommandOptions {
  format?: RecordFormat;
  batchSize: number;
  /** Aborted (the first Ctrl-C): stop before the next batch and report. */
  signal?: AbortSignal;
  /** After each committed batch, with the accounts it changed (the running servers are told). */
  onCommitted?: (userIds: readonly string[]) => void;
}

export type ImportCommandResult = ImportFilesResult<ImportCounts>;

function describe(counts: ImportCounts): string {
  const erased = counts.erased > 0 ? `, ${whole(counts.erased)} skipped: erased` : '';
  return `${whole(counts.inserted)} inserted, ${whole(counts.updated)} updated, ${whole(counts.unchanged)} unchanged, ${whole(counts.rejected)} rejected${erased}`;
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};

/** Every file is checked before anything is imported: a typo in the last name must not leave half a job. */
async function checkReadable(path: string): Promise<number | undefined> {
  if (path === '-') return undefined;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return info.size;
  } catch (error) {
    const { code, message } = errorForLog(error);
    throw new CommandError(`cannot read ${path}: ${FILE_PROBLEMS[code ?? ''] ?? message}`);
  }
}

/** Names are stored encrypted, or in plain text only when asked for by name: never by an unset key alone. */
function requireSealedNames(config: Config): void {
  if (config.realNameKeys !== undefined || config.storeRealNamesInPlainText) return;
  throw new CommandError(
    'REAL_NAME_KEYS is not set: the import would store real names in plain text. Set REAL_NAME_KEYS ' +
      '(`identity-labels keys generate` makes one), or STORE_REAL_NAMES_IN_PLAIN_TEXT=true to mean it (development only).',
    'CONFIG_INVALID',
  );
}

/** Without PSEUDONYM_KEY an erased account cannot be recognized: refused rather than brought back. */
async function requireKeyForErasedIds(dataSource: DataSource, config: Config): Promise<void> {
  if (config.pseudonymKey !== undefined || !(await hasTombstones(dataSource))) return;
  throw new CommandError(
    'accounts have been erased here, and PSEUDONYM_KEY is not set: without the key they were erased under, ' +
      'an import would store them again. Set PSEUDONYM_KEY.',
    'CONFIG_INVALID',
  );
}

function resumeHint(source: string, line: number): string {
  return (
    `${source}: lines 1-${line} are stored, nothing after line ${line} is. Run the same import again to finish ` +
    'it: records already stored are left unchanged.'
  );
}

/** One kind of record an import command loads: how its counts read, and how one source is imported. */
export interface RecordImport<C extends ImportTally<C>> {
  emptyCounts(): C;
  /** "3 inserted, 1 updated, ..." */
  describe(counts: C): string;
  importSource(
    source: string,
    input: Readable,
    format: RecordFormat,
    hooks: Pick<BatchOptions<C>, 'onRejected' | 'onProgress' | 'signal'>,
  ): Promise<ImportProgress<C>>;
}

export interface ImportFilesResult<C> {
  perSource: { source: string; counts: C }[];
  total: C;
  /** Stopped by the signal: the sources after the one it stopped in were not read. */
  interrupted: boolean;
}

const recordsDealtWith = (counts: object) => Object.values(counts).reduce((sum: number, count) => sum + count, 0);

/**
 * Imports the files in turn, with what every import command guarantees: each file is checked before any is
 * read, bad records are reported as FILE:LINE: reason (never their values), progress is shown, and one
 * stopped partway says how far it got, to be finished by running it again.
 */
export async function importFiles<C extends ImportTally<C>>(
  dataSource: DataSource,
  config: Config,
  paths: string[],
  options: Pick<ImportCommandOptions, 'format' | 'signal'>,
  io: Pick<CommandIo, 'stdin' | 'stdout' | 'stderr'>,
  kind: RecordImport<C>,
): Promise<ImportFilesResult<C>> {
  await requireKeyForErasedIds(dataSource, config);
  // Fail on a bad name or an unreadable file before importing anything.
  const sources = paths.map((path) => ({ path, format: formatOf(path, options.format) }));
  const sizes = await Promise.all(paths.map(checkReadable));
  const total = kind.emptyCounts();
  const perSource: ImportFilesResult<C>['perSource'] = [];
  for (const [index, { path, format }] of sources.entries()) {
    const source = path === '-' ? 'stdin' : path;
    const file = path === '-' ? undefined : createReadStream(path);
    const input: Readable = file ?? io.stdin;
    const progress = startProgress(source, sizes[index], io.stderr);
    const bytesRead = () => file?.bytesRead ?? 0;
    try {
      const outcome = await kind
        .importSource(source, input, format, {
          onRejected: ({ line, reason }) => io.stderr.write(`${source}:${line}: ${reason}\n`),
          onProgress: (running) => progress.update(recordsDealtWith(running), bytesRead()),
          signal: options.signal,
        })
        .finally(() => progress.stop());
      const stoppedAt = outcome.interrupted ? ` (interrupted after line ${outcome.storedThroughLine})` : '';
      io.stdout.write(`${source}: ${kind.describe(outcome.counts)}${stoppedAt}\n`);
      perSource.push({ source, counts: outcome.counts });
      addCounts(total, outcome.counts);
      if (outcome.interrupted) {
        input.destroy();
        io.stderr.write(`${resumeHint(source, outcome.storedThroughLine)}\n`);
        return { perSource, total, interrupted: true };
      }
    } catch (error) {
      if (!(error instanceof ImportStopped)) throw error;
      throw stoppedFailure(source, error as ImportStopped<C>, kind, io);
    }
  }
  if (paths.length > 1) io.stdout.write(`total: ${kind.describe(total)}\n`);
  return { perSource, total, interrupted: false };
}

/** Says how far a stopped import got, and returns the command's failure. */
function stoppedFailure<C extends ImportTally<C>>(
  source: string,
  error: ImportStopped<C>,
  kind: RecordImport<C>,
  io: Pick<CommandIo, 'stdout'>,
): CommandError {
  const { counts, storedThroughLine } = error.progress;
  const sourceRefused = error.cause instanceof RecordSourceError && storedThroughLine === 0;
  if (!sourceRefused || counts.rejected > 0) {
    io.stdout.write(`${source}: ${kind.describe(counts)} (stopped after line ${storedThroughLine})\n`);
  }
  const reason = error.cause instanceof RecordSourceError ? error.message : `the import failed: ${error.message}`;
  return new CommandError(
    `${source}: ${reason}` + (storedThroughLine > 0 ? `\n${resumeHint(source, storedThroughLine)}` : ''),
  );
}

export async function runImport(
  dataSource: DataSource,
  config: Config,
  paths: string[],
  options: ImportCommandOptions,
  io: Pick<CommandIo, 'stdin' | 'stdout' | 'stderr'>,
): Promise<ImportCommandResult> {
  requireSealedNames(config);
  const stages = await loadPolicyStages(dataSource);
  const realNames = new RealNames(config.realNameKeys);
  return importFiles(dataSource, config, paths, options, io, {
    emptyCounts,
    describe,
    importSource: (source, input, format, hooks) =>
      importAccounts(dataSource, source, readRecords(input, format), {
        ...hooks,
        stages,
        rules: { hysteresisRatio: config.hysteresisRatio },
        clock: () => new Date(),
        batchSize: options.batchSize,
        realNames,
        pseudonymKey: config.pseudonymKey,
        onCommitted: options.onCommitted,
      }),
  });
}

interface ImportArguments {
  format?: RecordFormat;
  batchSize: number;
  notify: boolean;
}

/** The import, then notify (unless --no-notify); exit code 130 when interrupted, 1 when a record was bad. */
async function importThenNotify(io: CommandIo, database: CommandDatabase, files: string[], options: ImportArguments) {
  const { dataSource, config, changes } = database;
  // The first Ctrl-C stops the import after the batch it is storing, and reports; a second one kills it (its
  // open transaction then rolls back).
  const interrupt = new AbortController();
  const release = io.onInterrupt(() => interrupt.abort());
  const { total, interrupted } = await runImport(
    dataSource,
    config,
    files,
    { ...options, signal: interrupt.signal, onCommitted: tellServers(changes) },
    io,
  ).finally(release);
  if (interrupted) {
    io.setExitCode(130);
    return;
  }
  if (options.notify) await runNotify(io, database, `command import`);
  if (total.rejected > 0) io.setExitCode(1);
}

export function register(program: Command, io: CommandIo): void {
  program
    .command('import')
    .description('load account records from NDJSON or CSV files ("-" for standard input), then run notify')
    .argument('<files...>', '.ndjson/.jsonl or .csv files, or - for standard input (NDJSON unless --format)')
    .addOption(formatOption())
    .option('--batch-size <n>', 'records per transaction', batchSize(), 2000)
    .option('--no-notify', 'do not run notify after the import')
    .addHelpText(
      'after',
      '\nEach record has userId and any of followerCount, realName, verification (VERIFIED|UNVERIFIED|REVOKED),\n' +
        'subjectKind (INDIVIDUAL|ORGANIZATION), category. Absent fields are left as they are.\n' +
        'Bad records are reported as FILE:LINE: reason; good ones are still stored; the exit code is 1 if any was bad.\n' +
        'Imports are idempotent: stopped partway (Ctrl-C, a lost database), run the same import again to finish it.\n\n' +
        'Example:\n  identity-labels import accounts.csv\n  zcat accounts.ndjson.gz | identity-labels import -',
    )
    .action((files: string[], options: ImportArguments) =>
      io.withDatabase((database) => importThenNotify(io, database, files, options)),
    );
}

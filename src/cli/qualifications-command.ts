// `identity-labels qualifications import FILE...`: loads accounts' professional credentials and MCN agencies,
// with the guarantees of the account import (import-command.ts): every file checked first, bad records
// reported as FILE:LINE: reason without their values, progress, and a stopped import finished by running it
// again.
import type { Command } from 'commander';
import {
  emptyProfessionalCounts,
  importProfessionalLabels,
  readProfessionalLines,
  type ProfessionalImportCounts,
} from '../import/import-professional';
import type { RecordFormat } from '../import/record-lines';
import type { CommandIo } from './command-io';
import { CommandError, type CommandDatabase } from './database';
import { importFiles } from './import-command';
import { batchSize, formatOption, whole } from './options';

interface QualificationsImportArguments {
  format?: RecordFormat;
  batchSize: number;
}

export function describeProfessionalCounts(counts: ProfessionalImportCounts): string {
  const updated = counts.updated > 0 ? `, ${whole(counts.updated)} updated (another issuer)` : '';
  const erased = counts.erased > 0 ? `, ${whole(counts.erased)} skipped: erased` : '';
  return (
    `${whole(counts.granted)} granted, ${whole(counts.renewed)} renewed${updated}, ${whole(counts.revoked)} revoked, ` +
    `${whole(counts.joined)} joined an MCN agency, ${whole(counts.left)} left one, ${whole(counts.unchanged)} unchanged, ` +
    `${whole(counts.rejected)} rejected${erased}`
  );
}

/** The import; exit code 130 when interrupted, 1 when a record was bad. */
async function importQualifications(
  io: CommandIo,
  { dataSource, config }: CommandDatabase,
  files: string[],
  options: QualificationsImportArguments,
): Promise<void> {
  if (options.batchSize < 1 || options.batchSize > 10_000) {
    throw new CommandError('--batch-size must be between 1 and 10000', 'USAGE');
  }
  // The first Ctrl-C stops the import after the batch it is storing, and reports; a second one kills it.
  const interrupt = new AbortController();
  const release = io.onInterrupt(() => interrupt.abort());
  const clock = () => new Date();
  const { total, interrupted } = await importFiles(
    dataSource,
    config,
    files,
    { format: options.format, signal: interrupt.signal },
    io,
    {
      emptyCounts: emptyProfessionalCounts,
      describe: describeProfessionalCounts,
      importSource: (source, input, format, hooks) =>
        importProfessionalLabels(dataSource, source, readProfessionalLines(input, format, clock), {
          ...hooks,
          batchSize: options.batchSize,
          clock,
          pseudonymKey: config.pseudonymKey,
        }),
    },
  ).finally(release);
  if (interrupted) io.setExitCode(130);
  else if (total.rejected > 0) io.setExitCode(1);
}

export function register(program: Command, io: CommandIo): void {
  const group = program
    .command('qualifications')
    .description('professional credentials and MCN agencies: the labels beside the real name');
  group
    .command('import')
    .description('load credentials and MCN agencies from NDJSON or CSV files ("-" for standard input)')
    .argument('<files...>', '.ndjson/.jsonl or .csv files, or - for standard input (NDJSON unless --format)')
    .addOption(formatOption())
    .option('--batch-size <n>', 'records per transaction (at most 10000)', batchSize(), 1000)
    .addHelpText(
      'after',
      '\nA credential: {userId, field (FINANCE|EDUCATION|MEDICAL|LAW), title, issuer, verifiedAt, expiresAt};\n' +
        'issuer and expiresAt are optional, dates are ISO 8601 with a zone. The same userId, field and title\n' +
        'again renews it; with "revoked": true it is removed. An MCN agency: {userId, mcnAgency, since}; an\n' +
        'empty mcnAgency removes it, since is optional. A CSV header names userId and any of these columns.\n' +
        'Bad records are reported as FILE:LINE: reason; good ones are still stored; the exit code is 1 if any\n' +
        'was bad. Imports are idempotent: stopped partway, run the same import again to finish it.\n\n' +
        'Example:\n  identity-labels qualifications import credentials.csv',
    )
    .action((files: string[], options: QualificationsImportArguments) =>
      io.withDatabase((database) => importQualifications(io, database, files, options)),
    );
}

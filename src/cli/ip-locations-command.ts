// `identity-labels ip-locations import FILE...`: the backfill of where posts were made from, with the same
// checks and storage as POST /ip-locations. Reports every bad line as FILE:LINE: reason (never its address).
import type { Command } from 'commander';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import {
  emptyIpImportCounts,
  importIpLocations,
  readLocationLines,
  type IpImportCounts,
} from '../import/import-ip-locations';
import type { RecordFormat } from '../import/record-lines';
import { IpDatabase } from '../ip-location/ip-database';
import { deleteLocationsOfPosts } from '../ip-recording/delete-locations';
import { userIdProblem } from '../user-id';
import type { CommandIo } from './command-io';
import { CommandError, type CommandDatabase } from './database';
import { batchSize, formatOption, whole } from './options';
import { importFiles } from './import-command';

export interface IpImportCommandOptions {
  format?: RecordFormat;
  batchSize: number;
}

function describe(counts: IpImportCounts): string {
  const erased = counts.erased > 0 ? `, ${whole(counts.erased)} skipped: erased` : '';
  return `${whole(counts.stored)} stored, ${whole(counts.unchanged)} unchanged (post already located), ${whole(counts.rejected)} rejected${erased}`;
}

/** What was loaded, in one line for the operator: which files, their digests, the data's date when known. */
export function describeIpDatabase(database: IpDatabase): string {
  return Object.entries(database.files)
    .map(([kind, file]) => `${kind} ${file.file} (sha256 ${file.sha256}, data ${file.dataDate ?? 'undated'})`)
    .join('; ');
}

/**
 * The backfill, with what every import command guarantees (importFiles): every file checked before any is
 * read, bad lines reported by number, progress, and how far it got when it stops.
 */
export async function runIpLocationImport(
  dataSource: DataSource,
  config: Config,
  database: IpDatabase,
  paths: string[],
  options: IpImportCommandOptions,
  io: Pick<CommandIo, 'stdin' | 'stdout' | 'stderr'>,
): Promise<IpImportCounts> {
  io.stderr.write(`ip database: ${describeIpDatabase(database)}\n`);
  const clock = () => new Date();
  const { total } = await importFiles(dataSource, config, paths, options, io, {
    emptyCounts: emptyIpImportCounts,
    describe,
    importSource: (source, input, format, hooks) =>
      importIpLocations(dataSource, database, source, readLocationLines(input, format, clock), {
        ...hooks,
        batchSize: options.batchSize,
        clock,
        pseudonymKey: config.pseudonymKey,
      }),
  });
  return total;
}

/** The import; exit code 1 when a record was bad. The IP database is opened (and checked) first. */
async function importLocations(
  io: CommandIo,
  { dataSource, config }: CommandDatabase,
  files: string[],
  options: IpImportCommandOptions,
) {
  const database = IpDatabase.open(config.ipLocation.databasePaths);
  const total = await runIpLocationImport(dataSource, config, database, files, options, io);
  if (total.rejected > 0) io.setExitCode(1);
}

function registerDelete(group: Command, io: CommandIo): void {
  group
    .command('delete')
    .description('delete the locations of deleted posts (their accounts fall back to their latest remaining post)')
    .requiredOption('--post <postIds...>', 'the deleted posts')
    .addHelpText('after', '\nExample:\n  identity-labels ip-locations delete --post p-1001 p-1002')
    .action((options: { post: string[] }) =>
      io.withDatabase(async ({ dataSource }) => {
        const problem = options.post.findIndex((postId) => userIdProblem(postId) !== undefined);
        if (problem >= 0)
          throw new CommandError(`--post: post id ${problem + 1} ${userIdProblem(options.post[problem])}`, 'USAGE');
        const outcome = await deleteLocationsOfPosts(dataSource, options.post);
        io.stdout.write(`ip-locations delete: ${whole(outcome.deleted)} deleted, ${whole(outcome.unknown)} had none\n`);
      }),
    );
}

export function register(program: Command, io: CommandIo): void {
  const group = program.command('ip-locations').description('where posts were made from (IP属地)');
  group
    .command('import')
    .description('backfill post locations from NDJSON or CSV files ("-" for standard input)')
    .argument('<files...>', '.ndjson/.jsonl or .csv files, or - for standard input (NDJSON unless --format)')
    .addOption(formatOption())
    .option('--batch-size <n>', 'records per transaction (at most 10000)', batchSize(), 1000)
    .addHelpText(
      'after',
      '\nEach record has postId, userId, ip (IPv4 or IPv6) and at (ISO 8601 with a zone): a CSV header names\n' +
        'exactly these. The address is looked up in the IP database (IP_DATABASE_PATH...) and never stored.\n' +
        'A post already recorded keeps its location. Bad records are reported as FILE:LINE: reason; good ones\n' +
        'are still stored; the exit code is 1 if any was bad.\n\n' +
        'Example:\n  identity-labels ip-locations import posts-2025.csv',
    )
    .action((files: string[], options: IpImportCommandOptions) =>
      io.withDatabase((database) => importLocations(io, database, files, options)),
    );
  registerDelete(group, io);
}

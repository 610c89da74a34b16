// `identity-labels ip-locations import FILE...`: the backfill of where posts were made from, with the same
// checks and storage as POST /ip-locations. Reports every bad line as FILE:LINE: reason (never its address).
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { DataSource } from 'typeorm';
import { importIpLocations, readLocationLines, type IpImportCounts } from '../import/import-ip-locations';
import { formatOf, type RecordFormat } from '../import/record-lines';
import { IpDatabase } from '../ip-location/ip-database';
import { deleteLocationsOfPosts } from '../ip-recording/delete-locations';
import { userIdProblem } from '../user-id';
import type { CommandIo } from './command-io';
import { CommandError, type CommandDatabase } from './database';
import { batchSize, formatOption, whole } from './options';
import { startProgress } from './progress';

export interface IpImportCommandOptions {
  format?: RecordFormat;
  batchSize: number;
}

function describe(counts: IpImportCounts): string {
  return `${whole(counts.stored)} stored, ${whole(counts.unchanged)} unchanged (post already located), ${whole(counts.rejected)} rejected`;
}

/** What was loaded, in one line for the operator: which files, their digests, the data's date when known. */
export function describeIpDatabase(database: IpDatabase): string {
  return Object.entries(database.files)
    .map(([kind, file]) => `${kind} ${file.file} (sha256 ${file.sha256}, data ${file.dataDate ?? 'undated'})`)
    .join('; ');
}

export async function runIpLocationImport(
  dataSource: DataSource,
  database: IpDatabase,
  paths: string[],
  options: IpImportCommandOptions,
  io: Pick<CommandIo, 'stdin' | 'stdout' | 'stderr'>,
): Promise<IpImportCounts> {
  const sources = paths.map((path) => ({ path, format: formatOf(path, options.format) })); // bad names first
  io.stderr.write(`ip database: ${describeIpDatabase(database)}\n`);
  const total: IpImportCounts = { stored: 0, unchanged: 0, rejected: 0 };
  for (const { path, format } of sources) {
    const source = path === '-' ? 'stdin' : path;
    const input: Readable = path === '-' ? io.stdin : createReadStream(path);
    const progress = startProgress(source, path === '-' ? undefined : statSync(path).size, io.stderr);
    const bytesRead = () => (input as { bytesRead?: number }).bytesRead ?? 0;
    const clock = () => new Date();
    const counts = await importIpLocations(dataSource, database, source, readLocationLines(input, format, clock), {
      batchSize: options.batchSize,
      clock,
      onRejected: ({ line, reason }) => io.stderr.write(`${source}:${line}: ${reason}\n`),
      onProgress: (running) => progress.update(running.stored + running.unchanged + running.rejected, bytesRead()),
    }).finally(() => progress.stop());
    io.stdout.write(`${source}: ${describe(counts)}\n`);
    total.stored += counts.stored;
    total.unchanged += counts.unchanged;
    total.rejected += counts.rejected;
  }
  if (paths.length > 1) io.stdout.write(`total: ${describe(total)}\n`);
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
  const total = await runIpLocationImport(dataSource, database, files, options, io);
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

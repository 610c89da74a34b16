// `identity-labels ip-locations import FILE...`: the backfill of where posts were made from, with the same
// checks and storage as POST /ip-locations. Reports every bad line as FILE:LINE: reason (never its address).
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { importIpLocations, readLocationLines, type IpImportCounts } from '../import/import-ip-locations';
import { formatOf, type RecordFormat } from '../import/record-lines';
import type { IpDatabase } from '../ip-location/ip-database';
import { startProgress } from './progress';

export interface IpImportCommandOptions {
  format?: RecordFormat;
  batchSize: number;
}

function describe(counts: IpImportCounts): string {
  return `${counts.stored} stored, ${counts.unchanged} unchanged (post already located), ${counts.rejected} rejected`;
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
  io: { stdin: Readable; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } = process,
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

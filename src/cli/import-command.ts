// `identity-labels import FILE...`: loads account records, reports every bad one, then runs notify.
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { loadPolicyStages } from '../db/policy-stages';
import { RealNames } from '../db/real-names';
import { emptyCounts, importAccounts, type ImportCounts } from '../import/import-accounts';
import { formatOf, readRecords, type RecordFormat } from '../import/records';
import { startProgress } from './progress';

export interface ImportCommandOptions {
  format?: RecordFormat;
  batchSize: number;
}

export interface ImportCommandResult {
  perSource: { source: string; counts: ImportCounts }[];
  total: ImportCounts;
}

function describe(counts: ImportCounts): string {
  return `${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.rejected} rejected`;
}

export async function runImport(
  dataSource: DataSource,
  config: Config,
  paths: string[],
  options: ImportCommandOptions,
  io: { stdin: Readable; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } = process,
): Promise<ImportCommandResult> {
  // Fail on a bad name before importing anything.
  const sources = paths.map((path) => ({ path, format: formatOf(path, options.format) }));
  const stages = await loadPolicyStages(dataSource);
  const realNames = new RealNames(config.realNameKeys);
  const total = emptyCounts();
  const perSource: ImportCommandResult['perSource'] = [];
  for (const { path, format } of sources) {
    const source = path === '-' ? 'stdin' : path;
    const input: Readable = path === '-' ? io.stdin : createReadStream(path);
    const size = path === '-' ? undefined : statSync(path).size;
    const progress = startProgress(source, size, io.stderr);
    const bytesRead = () => (input as { bytesRead?: number }).bytesRead ?? 0;
    const counts = await importAccounts(dataSource, source, readRecords(input, format), {
      stages,
      rules: { hysteresisRatio: config.hysteresisRatio },
      clock: () => new Date(),
      batchSize: options.batchSize,
      realNames,
      onRejected: ({ line, reason }) => io.stderr.write(`${source}:${line}: ${reason}\n`),
      onProgress: (running) =>
        progress.update(running.inserted + running.updated + running.unchanged + running.rejected, bytesRead()),
    }).finally(() => progress.stop());
    io.stdout.write(`${source}: ${describe(counts)}\n`);
    perSource.push({ source, counts });
    for (const key of Object.keys(total) as (keyof ImportCounts)[]) total[key] += counts[key];
  }
  if (paths.length > 1) io.stdout.write(`total: ${describe(total)}\n`);
  return { perSource, total };
}

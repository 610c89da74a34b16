// `identity-labels import FILE...`: loads account records, reports every bad one, then runs notify. Stopped
// partway (Ctrl-C, a lost database), it says how far it got: running the same import again finishes the job.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { loadPolicyStages } from '../db/policy-stages';
import { RealNames } from '../real-names/real-names';
import { errorForLog } from '../errors';
import { emptyCounts, importAccounts, ImportStopped, type ImportCounts } from '../import/import-accounts';
import { formatOf, readRecords, RecordSourceError, type RecordFormat } from '../import/records';
import { CommandError } from './database';
import { startProgress } from './progress';

export interface ImportCommandOptions {
  format?: RecordFormat;
  batchSize: number;
  /** Aborted (the first Ctrl-C): stop before the next batch and report. */
  signal?: AbortSignal;
  /** After each committed batch, with the accounts it changed (the running servers are told). */
  onCommitted?: (userIds: readonly string[]) => void;
}

export interface ImportCommandResult {
  perSource: { source: string; counts: ImportCounts }[];
  total: ImportCounts;
  /** Stopped by the signal: the sources after the one it stopped in were not read. */
  interrupted: boolean;
}

export interface ImportIo {
  stdin: Readable;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

function describe(counts: ImportCounts): string {
  return `${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.rejected} rejected`;
}

function addCounts(total: ImportCounts, counts: ImportCounts): void {
  total.inserted += counts.inserted;
  total.updated += counts.updated;
  total.unchanged += counts.unchanged;
  total.rejected += counts.rejected;
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

function resumeHint(source: string, line: number): string {
  return (
    `${source}: lines 1-${line} are stored, nothing after line ${line} is. Run the same import again to finish ` +
    'it: records already stored are left unchanged.'
  );
}

export async function runImport(
  dataSource: DataSource,
  config: Config,
  paths: string[],
  options: ImportCommandOptions,
  io: ImportIo = process,
): Promise<ImportCommandResult> {
  // Fail on a bad name or an unreadable file before importing anything.
  const sources = paths.map((path) => ({ path, format: formatOf(path, options.format) }));
  const sizes = await Promise.all(paths.map(checkReadable));
  const stages = await loadPolicyStages(dataSource);
  const realNames = new RealNames(config.realNameKeys);
  const total = emptyCounts();
  const perSource: ImportCommandResult['perSource'] = [];
  for (const [index, { path, format }] of sources.entries()) {
    const source = path === '-' ? 'stdin' : path;
    const file = path === '-' ? undefined : createReadStream(path);
    const input: Readable = file ?? io.stdin;
    const progress = startProgress(source, sizes[index], io.stderr);
    const bytesRead = () => file?.bytesRead ?? 0;
    try {
      const outcome = await importAccounts(dataSource, source, readRecords(input, format), {
        stages,
        rules: { hysteresisRatio: config.hysteresisRatio },
        clock: () => new Date(),
        batchSize: options.batchSize,
        realNames,
        pseudonymKey: config.pseudonymKey,
        onRejected: ({ line, reason }) => io.stderr.write(`${source}:${line}: ${reason}\n`),
        onProgress: (running) =>
          progress.update(running.inserted + running.updated + running.unchanged + running.rejected, bytesRead()),
        signal: options.signal,
        onCommitted: options.onCommitted,
      }).finally(() => progress.stop());
      const stoppedAt = outcome.interrupted ? ` (interrupted after line ${outcome.storedThroughLine})` : '';
      io.stdout.write(`${source}: ${describe(outcome.counts)}${stoppedAt}\n`);
      perSource.push({ source, counts: outcome.counts });
      addCounts(total, outcome.counts);
      if (outcome.interrupted) {
        input.destroy();
        io.stderr.write(`${resumeHint(source, outcome.storedThroughLine)}\n`);
        return { perSource, total, interrupted: true };
      }
    } catch (error) {
      if (!(error instanceof ImportStopped)) throw error;
      const { counts, storedThroughLine } = error.progress;
      const sourceRefused = error.cause instanceof RecordSourceError && storedThroughLine === 0;
      if (!sourceRefused || counts.rejected > 0) {
        io.stdout.write(`${source}: ${describe(counts)} (stopped after line ${storedThroughLine})\n`);
      }
      const reason = error.cause instanceof RecordSourceError ? error.message : `the import failed: ${error.message}`;
      throw new CommandError(
        `${source}: ${reason}` + (storedThroughLine > 0 ? `\n${resumeHint(source, storedThroughLine)}` : ''),
      );
    }
  }
  if (paths.length > 1) io.stdout.write(`total: ${describe(total)}\n`);
  return { perSource, total, interrupted: false };
}

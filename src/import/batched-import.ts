// What every import guarantees, whatever it loads: bad records reported by line and counted while the good
// ones are stored, a batch per transaction, counted only once committed; Ctrl-C stops it before its next
// batch; a failure says how far it got. Each import stores the same records the same way every time, so one
// that stopped partway is finished by running it again.
import type { ParsedLine } from './record-lines';

export interface RejectedRecord {
  source: string;
  line: number;
  reason: string;
}

/** An import's running totals: how many records ended each way (`rejected`: bad records). */
export type ImportTally<C> = Record<keyof C, number> & { rejected: number };

export interface BatchOptions<C> {
  batchSize: number;
  onRejected: (rejected: RejectedRecord) => void;
  /** Called after every stored batch with the running totals. */
  onProgress?: (counts: C) => void;
  /** Aborted (Ctrl-C): the import stops before its next batch, and says how far it got. */
  signal?: AbortSignal;
}

/** How far an import got: everything up to `storedThroughLine` is stored (or was rejected), nothing after it. */
export interface ImportProgress<C> {
  counts: C;
  storedThroughLine: number;
  /** Stopped by the signal before the end of its input. */
  interrupted: boolean;
}

/** The import stopped on an error; `progress` says how far it got first. */
export class ImportStopped<C = unknown> extends Error {
  override name = 'ImportStopped';
  constructor(
    readonly progress: ImportProgress<C>,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** Adds `counts` into `total`, count by count. */
export function addCounts<C extends ImportTally<C>>(total: C, counts: C): void {
  for (const key of Object.keys(counts) as (keyof C)[]) (total[key] as number) += counts[key];
}

/**
 * Imports one source's records: bad ones reported through onRejected and counted, good ones handed to
 * `storeBatch` a batch at a time. `storeBatch` stores a batch in one transaction and returns what became of
 * its records, added to the totals once it has committed. A failure throws ImportStopped with how far the
 * import got.
 */
export async function importInBatches<R, C extends ImportTally<C>>(
  source: string,
  records: AsyncIterable<ParsedLine<R>>,
  storeBatch: (batch: { line: number; record: R }[]) => Promise<Partial<C>>,
  counts: C,
  options: BatchOptions<C>,
): Promise<ImportProgress<C>> {
  const progress: ImportProgress<C> = { counts, storedThroughLine: 0, interrupted: false };
  let batch: { line: number; record: R }[] = [];
  const store = async () => {
    const stored = await storeBatch(batch);
    // Counted only once the batch is committed: a failed batch must not be reported as stored.
    for (const key of Object.keys(stored) as (keyof C)[]) (counts[key] as number) += stored[key] ?? 0;
    progress.storedThroughLine = batch.at(-1)?.line ?? progress.storedThroughLine;
    batch = [];
    options.onProgress?.(counts);
  };
  try {
    for await (const parsed of records) {
      if (options.signal?.aborted) {
        progress.interrupted = true;
        return progress;
      }
      if (parsed.error !== undefined) {
        counts.rejected += 1;
        options.onRejected({ source, line: parsed.line, reason: parsed.error });
        continue;
      }
      batch.push(parsed);
      if (batch.length >= options.batchSize) await store();
    }
    if (options.signal?.aborted) progress.interrupted = true;
    else if (batch.length > 0) await store();
    else options.onProgress?.(counts);
    return progress;
  } catch (error) {
    throw new ImportStopped(progress, error);
  }
}

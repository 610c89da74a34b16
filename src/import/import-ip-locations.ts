// The backfill of IP locations: records {postId, userId, ip, at} from NDJSON or CSV, checked as the endpoint
// checks them and stored through the same module, one transaction a batch. Importing a file twice leaves the
// same state (the second time, each post is already recorded as it says: "stored" again).
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { IpDatabase } from '../ip-location/ip-database';
import { checkLocationRecord, LOCATION_RECORD_FIELDS, type LocationRecord } from '../ip-location/location-record';
import { storeLocationRecords } from '../ip-recording/store-locations';
import { readLines, type ParsedLine, type RecordFormat } from './record-lines';
import type { RejectedRecord } from './import-accounts';

export interface IpImportCounts {
  stored: number;
  unchanged: number;
  rejected: number;
}

export interface IpImportOptions {
  batchSize: number;
  /** Bounds the records' `at`. */
  clock: () => Date;
  onRejected: (rejected: RejectedRecord) => void;
  /** Called after every stored batch with the running totals. */
  onProgress?: (counts: IpImportCounts) => void;
}

/** The lines of one input, checked as records (an empty CSV cell is a missing field). */
export function readLocationLines(
  input: Readable,
  format: RecordFormat,
  clock: () => Date,
): AsyncGenerator<ParsedLine<LocationRecord>> {
  return readLines(input, format, {
    fields: LOCATION_RECORD_FIELDS,
    required: LOCATION_RECORD_FIELDS,
    fromCsv: (row) => Object.fromEntries(Object.entries(row).filter(([, cell]) => cell !== '')),
    validate: (value, line) => ({ line, ...checkLocationRecord(value, clock()) }) as ParsedLine<LocationRecord>,
  });
}

export async function importIpLocations(
  dataSource: DataSource,
  database: IpDatabase,
  source: string,
  lines: AsyncIterable<ParsedLine<LocationRecord>>,
  options: IpImportOptions,
): Promise<IpImportCounts> {
  const counts: IpImportCounts = { stored: 0, unchanged: 0, rejected: 0 };
  const reject = (line: number, reason: string) => {
    counts.rejected += 1;
    options.onRejected({ source, line, reason });
  };
  let batch: { position: number; record: LocationRecord }[] = [];
  const store = async () => {
    const outcome = await storeLocationRecords(dataSource, database, batch);
    // Counted only once the batch is committed: a failed batch is not reported as stored.
    counts.stored += outcome.stored;
    counts.unchanged += outcome.unchanged;
    for (const { position, reason } of outcome.rejected) reject(position, reason);
    batch = [];
    options.onProgress?.(counts);
  };
  for await (const parsed of lines) {
    if (parsed.error !== undefined) reject(parsed.line, parsed.error);
    else batch.push({ position: parsed.line, record: parsed.record });
    if (batch.length >= options.batchSize) await store();
  }
  if (batch.length > 0) await store();
  options.onProgress?.(counts);
  return counts;
}

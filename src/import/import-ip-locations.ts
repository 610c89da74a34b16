// The backfill of IP locations: records {postId, userId, ip, at} from NDJSON or CSV, checked as the endpoint
// checks them and stored through the same module, one transaction a batch. Importing a file twice leaves the
// same state (the second time, each post is already recorded as it says: "stored" again).
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { IpDatabase } from '../ip-location/ip-database';
import { checkLocationRecord, LOCATION_RECORD_FIELDS, type LocationRecord } from '../ip-location/location-record';
import { storeLocationRecords } from '../ip-recording/store-locations';
import { importInBatches, type BatchOptions, type ImportProgress } from './batched-import';
import { readLines, type ParsedLine, type RecordFormat } from './record-lines';
import type { PseudonymKey } from '../crypto/pseudonym-key';

export interface IpImportCounts {
  stored: number;
  unchanged: number;
  /** Records of erased accounts: skipped, never stored. */
  erased: number;
  rejected: number;
}

export interface IpImportOptions extends BatchOptions<IpImportCounts> {
  /** Bounds the records' `at`. */
  clock: () => Date;
  pseudonymKey: PseudonymKey | undefined;
}

export function emptyIpImportCounts(): IpImportCounts {
  return { stored: 0, unchanged: 0, erased: 0, rejected: 0 };
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

/** One source's records, a batch per transaction, with the guarantees of every import (batched-import.ts). */
export function importIpLocations(
  dataSource: DataSource,
  database: IpDatabase,
  source: string,
  lines: AsyncIterable<ParsedLine<LocationRecord>>,
  options: IpImportOptions,
): Promise<ImportProgress<IpImportCounts>> {
  const storeBatch = async (batch: { line: number; record: LocationRecord }[]) => {
    const records = batch.map(({ line, record }) => ({ position: line, record }));
    const outcome = await storeLocationRecords(dataSource, database, records, { pseudonymKey: options.pseudonymKey });
    for (const { position, reason } of outcome.rejected) options.onRejected({ source, line: position, reason });
    return {
      stored: outcome.stored,
      unchanged: outcome.unchanged,
      erased: outcome.erased,
      rejected: outcome.rejected.length,
    };
  };
  return importInBatches(source, lines, storeBatch, emptyIpImportCounts(), options);
}

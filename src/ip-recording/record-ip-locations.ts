// A request of the posts service to record where posts were made from ({"records":[...]}, at most
// MAX_RECORDS_PER_REQUEST): every record is checked, the good ones are stored in one transaction, and the
// answer says what became of each. A malformed request stores nothing.
import type { DataSource } from 'typeorm';
import { badRequest } from '../errors';
import type { IpDatabase } from '../ip-location/ip-database';
import { checkLocationRecord, unknownFieldsProblem, type LocationRecord } from '../ip-location/location-record';
import { storeLocationRecords } from './store-locations';
import type { PseudonymKey } from '../crypto/pseudonym-key';

export const MAX_RECORDS_PER_REQUEST = 1000;

export interface RecordAnswer {
  stored: number;
  unchanged: number;
  /** Records of erased accounts: not stored. */
  erased: number;
  /** By index in the request's records, in order. */
  rejected: { index: number; reason: string }[];
}

/** Throws a BAD_REQUEST error for a body that is not `{"records": [...]}` within the limit. */
function recordsOf(body: unknown): unknown[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the body must be a JSON object: {"records": [...]}');
  }
  const { records } = body as Record<string, unknown>;
  const unknown = unknownFieldsProblem(Object.keys(body), ['records']);
  if (unknown !== undefined) throw badRequest(unknown);
  if (!Array.isArray(records)) throw badRequest('"records" must be an array');
  if (records.length > MAX_RECORDS_PER_REQUEST) {
    throw badRequest(`at most ${MAX_RECORDS_PER_REQUEST} records a request, got ${records.length}`);
  }
  return records;
}

export interface RecordOptions {
  /** Bounds the records' `at`. */
  now: Date;
  /** Longest wait for the database, after which the request fails (and may be retried). */
  timeoutMs: number;
  /** Erased accounts are recognized by their pseudonym under it; undefined: none was ever erased. */
  pseudonymKey: PseudonymKey | undefined;
  /** Sees how many records ended each way (metrics count them). */
  count?: (outcome: 'stored' | 'unchanged' | 'erased' | 'rejected', records: number) => void;
}

export async function recordIpLocations(
  dataSource: DataSource,
  database: IpDatabase,
  body: unknown,
  { now, timeoutMs, pseudonymKey, count }: RecordOptions,
): Promise<RecordAnswer> {
  const good: { position: number; record: LocationRecord }[] = [];
  const rejected: RecordAnswer['rejected'] = [];
  recordsOf(body).forEach((value, index) => {
    const checked = checkLocationRecord(value, now);
    if (checked.error !== undefined) rejected.push({ index, reason: checked.error });
    else good.push({ position: index, record: checked.record });
  });
  const outcome = await storeLocationRecords(dataSource, database, good, { pseudonymKey, timeoutMs });
  rejected.push(...outcome.rejected.map(({ position, reason }) => ({ index: position, reason })));
  rejected.sort((a, b) => a.index - b.index);
  count?.('stored', outcome.stored);
  count?.('unchanged', outcome.unchanged);
  count?.('erased', outcome.erased);
  count?.('rejected', rejected.length);
  return { stored: outcome.stored, unchanged: outcome.unchanged, erased: outcome.erased, rejected };
}

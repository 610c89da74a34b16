// Loads professional label records (credentials and MCN agencies) from NDJSON or CSV, with the guarantees of
// every import (batched-import.ts): each batch's credentials and agencies are stored by the same use cases
// the events call (src/professional-recording/), a transaction each, and counted once committed.
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { PseudonymKey } from '../crypto/pseudonym-key';
import { changeMcnAgencies } from '../professional-recording/change-mcn-agencies';
import { changeQualifications } from '../professional-recording/change-qualifications';
import {
  checkProfessionalRecord,
  PROFESSIONAL_RECORD_FIELDS,
  type McnAgencyRecord,
  type ProfessionalRecord,
  type QualificationRecord,
} from '../professional/professional-record';
import { importInBatches, type BatchOptions, type ImportProgress } from './batched-import';
import { readLines, type ParsedLine, type RecordFormat } from './record-lines';

export interface ProfessionalImportCounts {
  granted: number;
  renewed: number;
  /** The same credential and dates, from another issuer. */
  updated: number;
  revoked: number;
  /** Joined an MCN agency, or moved to another. */
  joined: number;
  left: number;
  unchanged: number;
  rejected: number;
  /** Records of erased accounts: skipped, never stored. */
  erased: number;
}

export interface ProfessionalImportOptions extends BatchOptions<ProfessionalImportCounts> {
  /** The time each batch is stamped with; it also bounds verifiedAt and since. */
  clock: () => Date;
  pseudonymKey: PseudonymKey | undefined;
  /** Once a batch's changes have committed, with the accounts they changed. */
  onCommitted?: (userIds: readonly string[]) => void;
}

export function emptyProfessionalCounts(): ProfessionalImportCounts {
  return { granted: 0, renewed: 0, updated: 0, revoked: 0, joined: 0, left: 0, unchanged: 0, rejected: 0, erased: 0 };
}

const QUALIFICATION_COLUMNS = ['field', 'title', 'issuer', 'verifiedAt', 'expiresAt', 'revoked'];

/**
 * A CSV row as a record: an empty cell is an absent field, revoked is "true" or "false". A row with no
 * credential cell is an MCN agency row, its empty mcnAgency cell meaning it has none any more.
 */
function fromCsv(row: Record<string, string>): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [key, cell] of Object.entries(row)) {
    if (cell === '') continue;
    value[key] = key === 'revoked' && (cell === 'true' || cell === 'false') ? cell === 'true' : cell;
  }
  const isMcnRow = 'mcnAgency' in row && !QUALIFICATION_COLUMNS.some((column) => (row[column] ?? '') !== '');
  if (isMcnRow) value.mcnAgency = row.mcnAgency;
  return value;
}

/** The lines of one input, checked as records. */
export function readProfessionalLines(
  input: Readable,
  format: RecordFormat,
  clock: () => Date,
): AsyncGenerator<ParsedLine<ProfessionalRecord>> {
  return readLines(input, format, {
    fields: PROFESSIONAL_RECORD_FIELDS,
    required: ['userId'],
    fromCsv,
    validate: (value, line) => ({ line, ...checkProfessionalRecord(value, clock()) }) as ParsedLine<ProfessionalRecord>,
  });
}

async function storeBatch(
  dataSource: DataSource,
  source: string,
  batch: { line: number; record: ProfessionalRecord }[],
  options: ProfessionalImportOptions,
): Promise<Partial<ProfessionalImportCounts>> {
  const counts: Partial<ProfessionalImportCounts> = {};
  const count = (outcome: keyof ProfessionalImportCounts) => (counts[outcome] = (counts[outcome] ?? 0) + 1);
  const qualifications: { change: QualificationRecord; cause: string }[] = [];
  const agencies: { change: McnAgencyRecord; cause: string }[] = [];
  for (const { line, record } of batch) {
    const cause = `import ${source}:${line}`;
    if (record.kind === 'qualification') qualifications.push({ change: record, cause });
    else agencies.push({ change: record, cause });
  }
  const changeOptions = { now: options.clock(), pseudonymKey: options.pseudonymKey, onCommitted: options.onCommitted };
  // Two transactions: should the second fail, running the import again finds the first's records unchanged.
  for (const outcome of await changeQualifications(dataSource, qualifications, changeOptions)) count(outcome);
  for (const outcome of await changeMcnAgencies(dataSource, agencies, changeOptions)) count(outcome);
  return counts;
}

/** Imports one source's records. A failure throws ImportStopped with how far the import got. */
export function importProfessionalLabels(
  dataSource: DataSource,
  source: string,
  records: AsyncIterable<ParsedLine<ProfessionalRecord>>,
  options: ProfessionalImportOptions,
  counts: ProfessionalImportCounts = emptyProfessionalCounts(),
): Promise<ImportProgress<ProfessionalImportCounts>> {
  return importInBatches(source, records, (batch) => storeBatch(dataSource, source, batch, options), counts, options);
}

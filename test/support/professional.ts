// Professional labels for tests: stored through the use cases the import and the events call, and read back
// from the tables as they are.
import type { DataSource } from 'typeorm';
import { changeMcnAgencies } from '../../src/professional-recording/change-mcn-agencies';
import { changeQualifications } from '../../src/professional-recording/change-qualifications';
import type { McnAgencyRecord, QualificationRecord } from '../../src/professional/professional-record';

/** A credential record (granted or renewed) with test defaults: a doctor's licence that never expires. */
export function aCredential(
  fields: Partial<Extract<QualificationRecord, { revoked: false }>> & { userId: string },
): QualificationRecord {
  return {
    field: 'MEDICAL',
    title: '执业医师',
    issuer: '国家卫生健康委员会',
    verifiedAt: new Date('2025-01-01T00:00:00Z'),
    expiresAt: null,
    ...fields,
    revoked: false,
  };
}

export function storeCredentials(dataSource: DataSource, records: QualificationRecord[], now = new Date()) {
  return changeQualifications(
    dataSource,
    records.map((change) => ({ change, cause: 'test' })),
    { now, pseudonymKey: undefined },
  );
}

export function storeAgencies(dataSource: DataSource, records: McnAgencyRecord[], now = new Date()) {
  return changeMcnAgencies(
    dataSource,
    records.map((change) => ({ change, cause: 'test' })),
    { now, pseudonymKey: undefined },
  );
}

/** The SELECTs of each professional table among `queries`. */
export function professionalSelects(queries: readonly string[]) {
  const selects = queries.filter((sql) => /^\s*SELECT\b/i.test(sql));
  return {
    qualifications: selects.filter((sql) => /\bqualifications\b/.test(sql)).length,
    mcnAgencies: selects.filter((sql) => /\bmcn_agencies\b/.test(sql)).length,
  };
}

export async function labelChangeRows(dataSource: DataSource, userId?: string) {
  return (await dataSource.query(
    `SELECT user_id, erased, event, field, title, issuer, agency, cause FROM label_changes${userId === undefined ? '' : ' WHERE user_id = ?'} ORDER BY id`,
    userId === undefined ? [] : [userId],
  )) as {
    user_id: string;
    erased: number;
    event: string;
    field: string | null;
    title: string | null;
    issuer: string | null;
    agency: string | null;
    cause: string;
  }[];
}

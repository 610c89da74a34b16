// Reading the audit log: what happened to an account's disclosure, and why. It is written with each change
// (db/account-writes.ts); here it is only read.
import type { DataSource } from 'typeorm';
import { AuditLogTable, type AuditEntry } from './tables';

export type { AuditEntry };

/** The account's entries, oldest first (an erased account's are under its pseudonym, never found by id). */
export function auditEntriesOf(dataSource: DataSource, userId: string): Promise<AuditEntry[]> {
  return dataSource
    .getRepository(AuditLogTable)
    .createQueryBuilder('entry')
    .where('entry.userId = :userId AND entry.erased = :erased', { userId, erased: false })
    .orderBy('entry.id', 'ASC')
    .getMany();
}

// Retention (PIPL Art. 19): data is kept for the shortest time needed. Audit entries (proof that notice and
// consent happened, and of the credentials and agencies shown; kept as long as impact-assessment records:
// three years by default) and notices the platform has delivered are deleted once past their retention. Run
// by the server on an interval and by `identity-labels purge`; running it twice, or on two instances at once,
// deletes nothing twice.
import type { DataSource } from 'typeorm';
import { deleteExpiredBatch, type ExpiringTable } from '../db/retention';
import { inWriteTransaction } from '../db/write-transaction';
import { daysAfter } from '../policy/time';

export interface RetentionSettings {
  auditDays: number;
  deliveredNoticeDays: number;
  /** The keys of applied events (and the ids of deleted posts) are kept so long: a redelivery within it changes nothing. */
  processedEventDays: number;
}

export interface PurgeResult {
  /** Of the disclosure's audit (audit_log) and the professional labels' (label_changes). */
  auditEntries: number;
  deliveredNotices: number;
  /** Keys of applied events and ids of deleted posts. */
  processedEvents: number;
}

const BATCH = 2000;

async function purgeTable(dataSource: DataSource, table: ExpiringTable, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await inWriteTransaction(dataSource, (manager) =>
      deleteExpiredBatch(manager, table, before, BATCH),
    );
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

export async function purgeExpired(
  dataSource: DataSource,
  settings: RetentionSettings,
  now: Date,
): Promise<PurgeResult> {
  const auditBefore = daysAfter(now, -settings.auditDays);
  return {
    auditEntries:
      (await purgeTable(dataSource, 'audit_log', auditBefore)) +
      (await purgeTable(dataSource, 'label_changes', auditBefore)),
    deliveredNotices: await purgeTable(
      dataSource,
      'notification_outbox',
      daysAfter(now, -settings.deliveredNoticeDays),
    ),
    processedEvents:
      (await purgeTable(dataSource, 'processed_events', daysAfter(now, -settings.processedEventDays))) +
      (await purgeTable(dataSource, 'deleted_posts', daysAfter(now, -settings.processedEventDays))),
  };
}

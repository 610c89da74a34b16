// `identity-labels purge`: deletes what is past its retention (AUDIT_RETENTION_DAYS,
// DELIVERED_NOTICE_RETENTION_DAYS, EVENTS_DEDUP_RETENTION_DAYS), as the server does every PURGE_INTERVAL_SECONDS.
import type { Command } from 'commander';
import { purgeExpired } from '../retention/purge-expired';
import type { CommandIo } from './command-io';
import { whole } from './options';

export function register(program: Command, io: CommandIo): void {
  program
    .command('purge')
    .description('delete audit entries, delivered notices and the keys of applied events past their retention')
    .action(() =>
      io.withDatabase(async ({ dataSource, config }) => {
        const result = await purgeExpired(dataSource, config.retention, new Date());
        io.stdout.write(
          `purge: ${whole(result.auditEntries)} audit entries older than ${config.retention.auditDays} days, ` +
            `${whole(result.deliveredNotices)} notices delivered over ${config.retention.deliveredNoticeDays} days ago, ` +
            `${whole(result.processedEvents)} event keys older than ${config.retention.processedEventDays} days\n`,
        );
      }),
    );
}

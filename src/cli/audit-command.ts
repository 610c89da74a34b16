// `identity-labels audit USER_ID`: an account's disclosure history, oldest first, each entry with the stage it
// happened under and its cause. Statuses and stage names only: the audit log holds no real name.
import type { Command } from 'commander';
import { auditEntriesOf, type AuditEntry } from '../db/audit-log';
import type { CommandIo } from './command-io';
import { printable } from './options';

function describeEntry(entry: AuditEntry): string {
  const stage = entry.stageName === null ? '' : `  stage ${printable(entry.stageName)}`;
  return `${entry.at.toISOString()}  ${entry.event.padEnd(18)} ${entry.oldStatus} -> ${entry.newStatus}${stage}  (${printable(entry.cause)})`;
}

export function register(program: Command, io: CommandIo): void {
  program
    .command('audit')
    .description("an account's disclosure history, oldest first")
    .argument('<userId>')
    .action((userId: string) =>
      io.withDatabase(async ({ dataSource }) => {
        const entries = await auditEntriesOf(dataSource, userId);
        if (entries.length === 0) io.stdout.write(`no audit entries for ${userId}\n`);
        for (const entry of entries) io.stdout.write(`${describeEntry(entry)}\n`);
      }),
    );
}

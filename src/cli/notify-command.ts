// `identity-labels notify`: notices to the accounts that became subject, withdrawals from those that fell out
// of scope. Also run after an import, and after a stage is retired from now.
import type { Command } from 'commander';
import { loadPolicyStages } from '../db/policy-stages';
import { notifyAccounts } from '../notify/notify-accounts';
import type { CommandIo } from './command-io';
import { tellServers, type CommandDatabase } from './database';
import { notifyProgress } from './progress';
import { whole } from './options';

export async function runNotify(io: CommandIo, database: CommandDatabase, cause: string): Promise<void> {
  const { dataSource, config, changes } = database;
  const result = await notifyAccounts(dataSource, {
    stages: await loadPolicyStages(dataSource),
    rules: { hysteresisRatio: config.hysteresisRatio },
    now: new Date(),
    cause,
    onProgress: notifyProgress(io.stderr),
    onCommitted: tellServers(changes),
  });
  io.stdout.write(`notify: ${whole(result.notified)} notified, ${whole(result.withdrawn)} notices withdrawn\n`);
}

export function register(program: Command, io: CommandIo): void {
  program
    .command('notify')
    .description('notify accounts that became subject, withdraw notices from those that fell out of scope')
    .action(() => io.withDatabase((database) => runNotify(io, database, 'command notify')));
}

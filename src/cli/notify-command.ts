// `identity-labels notify`: notices to the accounts that became subject, withdrawals from those that fell out
// of scope, and the label changes of the notice deadlines that passed since the last run. Also run after an
// import, and after a stage is retired from now.
import type { Command } from 'commander';
import { loadPolicyStages } from '../db/policy-stages';
import { announcePassedDeadlines } from '../notify/announce-deadlines';
import { notifyAccounts } from '../notify/notify-accounts';
import type { CommandIo } from './command-io';
import { tellServers, type CommandDatabase } from './database';
import { notifyProgress } from './progress';
import { whole } from './options';

export async function runNotify(io: CommandIo, database: CommandDatabase, cause: string): Promise<void> {
  const { dataSource, config, changes } = database;
  const stages = await loadPolicyStages(dataSource);
  const rules = { hysteresisRatio: config.hysteresisRatio };
  const result = await notifyAccounts(dataSource, {
    stages,
    rules,
    now: new Date(),
    cause,
    onProgress: notifyProgress(io.stderr),
    onCommitted: tellServers(changes),
  });
  const deadlinesPassed = await announcePassedDeadlines(dataSource, { stages, rules, now: new Date() });
  io.stdout.write(
    `notify: ${whole(result.notified)} notified, ${whole(result.withdrawn)} notices withdrawn, ` +
      `${whole(deadlinesPassed)} deadlines passed\n`,
  );
}

export function register(program: Command, io: CommandIo): void {
  program
    .command('notify')
    .description(
      'notify accounts that became subject, withdraw notices from those that fell out of scope, announce passed deadlines',
    )
    .action(() => io.withDatabase((database) => runNotify(io, database, 'command notify')));
}
